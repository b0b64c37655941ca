/**
 * Linkly with `primary` and `analytics` on PostgreSQL, then on MariaDB, instead of SQLite: the only change is
 * config/database.yaml (as the README shows). Each run gets a fresh database on the server, dropped afterwards,
 * so runs never collide. Covers chapters 3-7's SQL paths: create (409 on a taken code), redirect, the click
 * recorded in SQL through the queue, GET /links stats, the analytics count, PUT, bulk import, delete, link::list.
 */
import assert from 'node:assert/strict';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { test } from 'node:test';
import { createChannel } from 'iii-sdk/helpers';
import mysql from 'mysql2/promise';
import pg from 'pg';
import { MYSQL_URL, mysqlReachable, PG_URL, pgReachable } from '../conformance/sql-services.ts';
import { uniqueName } from '../helpers/names.ts';
import { waitFor } from '../helpers/wait.ts';
import { connect, copyProject, createLink, follow, startLinkly } from './linkly-harness.ts';

interface Server {
  name: 'PostgreSQL' | 'MariaDB';
  problem: string | undefined;
  /** Create a fresh database; returns its URL. */
  create(db: string): Promise<string>;
  /** Run SQL in that database (the test's own client, beside the engine). */
  sql(url: string, text: string): Promise<Record<string, unknown>[]>;
  drop(db: string): Promise<void>;
}

function withDatabase(url: string, db: string): string {
  const u = new URL(url);
  u.pathname = `/${db}`;
  return u.toString();
}

const servers: Server[] = [
  {
    name: 'PostgreSQL',
    problem: await pgReachable(),
    async create(db) {
      await pgRun(PG_URL, `CREATE DATABASE ${db}`);
      return withDatabase(PG_URL, db);
    },
    sql: (url, text) => pgRun(url, text),
    drop: async (db) => void (await pgRun(PG_URL, `DROP DATABASE IF EXISTS ${db} WITH (FORCE)`)),
  },
  {
    name: 'MariaDB',
    problem: await mysqlReachable(),
    async create(db) {
      await myRun(MYSQL_URL, `CREATE DATABASE ${db}`);
      return withDatabase(MYSQL_URL, db);
    },
    sql: (url, text) => myRun(url, text),
    drop: async (db) => void (await myRun(MYSQL_URL, `DROP DATABASE IF EXISTS ${db}`)),
  },
];

async function pgRun(url: string, text: string): Promise<Record<string, unknown>[]> {
  const client = new pg.Client({ connectionString: url });
  await client.connect();
  try {
    return (await client.query(text)).rows as Record<string, unknown>[];
  } finally {
    await client.end();
  }
}

async function myRun(url: string, text: string): Promise<Record<string, unknown>[]> {
  const conn = await mysql.createConnection({ uri: url });
  try {
    const [rows] = await conn.query(text);
    return Array.isArray(rows) ? (rows as Record<string, unknown>[]) : [];
  } finally {
    await conn.end();
  }
}

/** config/database.yaml with both Linkly databases on one server database (as the README shows). */
function databaseYaml(url: string): string {
  return `id: database
name: Database
value:
  databases:
    analytics:
      url: ${url}
    primary:
      url: ${url}
`;
}

for (const server of servers) {
  const skip = server.problem && process.env.CI !== 'true' ? `${server.name} unreachable (${server.problem}); skipped` : false;
  test(`Linkly on ${server.name}: create, redirect, click in SQL, stats, analytics, update, bulk import, delete`, { skip }, async () => {
    assert.equal(server.problem, undefined, `${server.name} must be reachable under CI=true`);
    const db = `linkly_${uniqueName('e2e').slice(4)}`;
    const url = await server.create(db);
    const dir = copyProject();
    writeFileSync(join(dir, 'config/database.yaml'), databaseYaml(url));
    let app: Awaited<ReturnType<typeof startLinkly>> | undefined;
    try {
      app = await startLinkly({ dir });
      const running = app;
      const code = 'sql-server';
      assert.deepEqual(await createLink(running, { url: 'https://iii.dev', code }), {
        status: 201,
        body: { code, url: 'https://iii.dev' },
      });
      const taken = await createLink(running, { url: 'https://other.example', code });
      assert.equal(taken.status, 409);
      assert.equal(taken.body.code, 'E_LINK_CODE_TAKEN');
      for (let n = 0; n < 2; n++) assert.deepEqual(await follow(running, code), { status: 302, location: 'https://iii.dev' });

      // The clicks went through the queue into the server's clicks table (read with our own client).
      await waitFor(async () => Number((await server.sql(url, `SELECT COUNT(*) AS n FROM clicks WHERE code = '${code}'`))[0]?.n) === 2, {
        timeoutMs: 30_000,
        what: 'two click rows on the server',
      });
      const { links } = (await (await fetch(`${running.api}/links`)).json()) as {
        links: { code: string; clicks: number; last_click_at: string | null; created_at: string }[];
      };
      const stats = links.find((l) => l.code === code);
      assert.equal(stats?.clicks, 2);
      assert.ok(!Number.isNaN(Date.parse(String(stats?.last_click_at))), String(stats?.last_click_at));
      // Chapter 4: link.created counted in the analytics database (same server here).
      const today = new Date().toISOString().slice(0, 10);
      await waitFor(
        async () => Number((await server.sql(url, `SELECT count FROM daily_link_counts WHERE day = '${today}'`))[0]?.count) === 1,
        {
          timeoutMs: 30_000,
          what: 'analytics to count the link',
        },
      );

      const put = await fetch(`${running.api}/links/${code}`, {
        method: 'PUT',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ url: 'https://new.example' }),
      });
      assert.equal(put.status, 200);
      await waitFor(async () => (await follow(running, code)).location === 'https://new.example', {
        timeoutMs: 30_000,
        what: 'the updated URL',
      });

      // Chapter 6: a CSV through a channel, one link::create per row.
      const worker = connect(running);
      try {
        const channel = await createChannel(worker);
        channel.writer.stream.end(`code,url\nbulk-a,https://a.example\nbulk-b,https://b.example\n${code},https://dup.example\n`);
        const result = (await worker.trigger({ function_id: 'bulk-importer::import_csv', payload: { reader: channel.readerRef } })) as {
          imported: number;
          failed_count: number;
        };
        assert.deepEqual([result.imported, result.failed_count], [2, 1]);
        assert.deepEqual(await follow(running, 'bulk-b'), { status: 302, location: 'https://b.example' });
        assert.deepEqual(await worker.trigger({ function_id: 'link::delete', payload: { code: 'bulk-a' } }), {
          code: 'bulk-a',
          deleted: true,
        });
        // Chapter 7's dashboard view reads the totals through link::list (the same SQL as GET /links); the redirects
        // that waited for the PUT above were clicks too, so compare with the server's own count.
        const listedClicks = async () =>
          ((await worker.trigger({ function_id: 'link::list', payload: {} })) as { links: { code: string; clicks: number }[] }).links.find(
            (l) => l.code === code,
          )?.clicks;
        const sqlClicks = async () => Number((await server.sql(url, `SELECT COUNT(*) AS n FROM clicks WHERE code = '${code}'`))[0]?.n);
        await waitFor(async () => (await listedClicks()) === (await sqlClicks()) && (await sqlClicks()) >= 3, {
          timeoutMs: 30_000,
          what: 'link::list to report the clicks in SQL',
        });
      } finally {
        await worker.shutdown();
      }
      const rows = await server.sql(url, 'SELECT code FROM links ORDER BY code');
      assert.deepEqual(
        rows.map((r) => r.code),
        ['bulk-b', code],
      );
    } finally {
      await app?.stop();
      app?.remove();
      await server.drop(db);
    }
  });
}
