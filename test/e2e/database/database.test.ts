/**
 * `database` end to end: the real engine in-process, the real iii-sdk as caller (workers.md §3, linkly.md ch. 3).
 * PostgreSQL cases run against PG_URL and skip, saying so, when it is unreachable (fail under CI=true).
 */
import assert from 'node:assert/strict';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { test } from 'node:test';
import { PG_URL, pgReachable } from '../../conformance/sql-services.ts';
import { connectWorker, startTestEngine } from '../../helpers/engine.ts';
import { uniqueName } from '../../helpers/names.ts';
import { freePort } from '../../helpers/ports.ts';
import { type Call, caller, rejectsWith } from './calls.ts';

/** Linkly's ch. 3 tables on either dialect. */
async function createLinkly(call: Call, db: string, idDdl: string, suffix: string): Promise<{ links: string; clicks: string }> {
  const links = `links_${suffix}`;
  const clicks = `clicks_${suffix}`;
  await call('database::execute', { db, sql: `CREATE TABLE ${links} (code TEXT PRIMARY KEY, url TEXT NOT NULL, created_at TEXT)` });
  await call('database::execute', { db, sql: `CREATE TABLE ${clicks} (id ${idDdl}, code TEXT NOT NULL, clicked_at TEXT NOT NULL)` });
  return { links, clicks };
}

test('sqlite (zero config): Linkly ch. 3 shapes through the engine', async () => {
  const engine = await startTestEngine({ workers: [{ name: 'database' }] });
  const w = connectWorker(engine);
  const call = caller(w);
  const t = await createLinkly(call, 'primary', 'INTEGER PRIMARY KEY AUTOINCREMENT', uniqueName('s').replace('-', '_'));
  try {
    assert.ok(existsSync(join(engine.projectDir, 'data/iii.db')), 'primary lives at ./data/iii.db under the project dir');
    const ins = await call('database::execute', {
      db: 'primary',
      sql: `INSERT INTO ${t.links} (code, url) VALUES (?, ?)`,
      params: ['iii', 'https://iii.dev'],
    });
    assert.deepEqual(ins, { affected_rows: 1, last_insert_id: '1', returned_rows: [] });
    for (const at of ['2026-01-01T00:00:00Z', '2026-01-01T00:00:01Z']) {
      await call('database::execute', {
        db: 'primary',
        sql: `INSERT INTO ${t.clicks} (code, clicked_at) VALUES (?, ?)`,
        params: ['iii', at],
      });
    }
    // params as a JSON string, as `iii trigger ... params='["iii"]'` sends it.
    const q = await call('database::query', {
      db: 'primary',
      sql: `SELECT COUNT(*) AS clicks FROM ${t.clicks} WHERE code = ?`,
      params: '["iii"]',
    });
    assert.deepEqual(q, { columns: [{ name: 'clicks', type: '' }], row_count: 1, rows: [{ clicks: 2 }] });
    const link = await call('database::query', { db: 'primary', sql: `SELECT code, url FROM ${t.links} WHERE code = ?`, params: ['iii'] });
    assert.deepEqual(link, {
      columns: [
        { name: 'code', type: 'TEXT' },
        { name: 'url', type: 'TEXT' },
      ],
      row_count: 1,
      rows: [{ code: 'iii', url: 'https://iii.dev' }],
    });
    const ret = await call('database::execute', {
      db: 'primary',
      sql: `INSERT INTO ${t.clicks} (code, clicked_at) VALUES (?, ?)`,
      params: ['iii', 'x'],
      returning: ['id'],
    });
    assert.deepEqual(ret, { affected_rows: 1, last_insert_id: '3', returned_rows: [{ id: 3 }] });

    const dup = await rejectsWith(
      call('database::execute', { db: 'primary', sql: `INSERT INTO ${t.links} (code, url) VALUES (?, ?)`, params: ['iii', 'x'] }),
      'DRIVER_ERROR',
    );
    assert.equal(dup.inner_code, 'SQLITE_CONSTRAINT_PRIMARYKEY');
    assert.equal(dup.kind, 'constraint_violation');
    const unknown = await rejectsWith(call('database::query', { db: 'nope', sql: 'SELECT 1' }), 'UNKNOWN_DB');
    assert.deepEqual(unknown.available, ['primary']);
    assert.match(String(unknown.message), /available: primary/);
    await rejectsWith(call('database::execute', { db: 'primary', sql: 'BEGIN' }), 'INVALID_PARAM');
    assert.equal((await rejectsWith(call('database::query', { db: 'primary', sql: '' }), 'DRIVER_ERROR')).message, 'empty SQL');
    await assert.rejects(call('database::query', { db: 'primary' }), { code: 'deserialization_error' });

    const tx = await call('database::transaction', {
      db: 'primary',
      statements: [
        { sql: `INSERT INTO ${t.links} (code, url) VALUES (?, ?)`, params: ['tx', 'u'] },
        { sql: `INSERT INTO ${t.links} (code, url) VALUES (?, ?)`, params: '["iii","dup"]' },
      ],
    });
    // The reference returns a failed batch (after rolling back) rather than throwing.
    const failed = tx as { committed: boolean; failed_index: number; error: Record<string, unknown> };
    assert.equal(failed.committed, false);
    assert.equal(failed.failed_index, 1);
    assert.equal(failed.error.code, 'DRIVER_ERROR');
    assert.equal(failed.error.failed_index, 1);
    assert.equal(failed.error.kind, 'constraint_violation');
    const ok = await call('database::transaction', {
      statements: [
        { sql: `UPDATE ${t.links} SET url = ? WHERE code = ?`, params: ['v', 'iii'] },
        { sql: `SELECT code, url FROM ${t.links}` },
      ],
    });
    assert.deepEqual(ok, {
      committed: true,
      results: [
        { affected_rows: 1, rows: [] },
        { affected_rows: 0, rows: [['iii', 'v']] },
      ],
    });
    assert.deepEqual(await call('database::transaction', { statements: [] }), { committed: true, results: [] });
    const noDb = (await call('database::transaction', { db: 'nope', statements: [{ sql: 'SELECT 1' }] })) as Record<string, unknown>;
    assert.equal(noDb.committed, false);
    assert.equal(noDb.failed_index, undefined);
    assert.equal((noDb.error as { code: string }).code, 'UNKNOWN_DB');
    const after = await call('database::query', { sql: `SELECT COUNT(*) AS n FROM ${t.links}` });
    assert.deepEqual((after as { rows: unknown[] }).rows, [{ n: 1 }], 'rolled back; db defaults to the only database');
    assert.deepEqual(await call('database::listDatabases', {}), {
      databases: [{ name: 'primary', driver: 'sqlite', url: 'sqlite:./data/iii.db' }],
    });
  } finally {
    await w.shutdown();
    await engine.stop();
  }
});

test('database functions publish request schemas (for `iii trigger database::query --help`)', async () => {
  const engine = await startTestEngine({ workers: [{ name: 'database' }] });
  const w = connectWorker(engine);
  try {
    const info = (await w.trigger({ function_id: 'engine::functions::info', payload: { function_id: 'database::query' } })) as {
      request_schema: { properties: Record<string, unknown>; required: string[] };
    };
    assert.deepEqual(Object.keys(info.request_schema.properties), ['db', 'sql', 'params', 'timeout_ms']);
    assert.deepEqual(info.request_schema.required, ['sql']);
    assert.deepEqual((info.request_schema.properties.params as { type: unknown }).type, ['array', 'string']);
  } finally {
    await w.shutdown();
    await engine.stop();
  }
});

test('hot reconfigure adds a database without a restart and keeps existing ones', async () => {
  const engine = await startTestEngine({ workers: [{ name: 'database' }] });
  const w = connectWorker(engine);
  const call = caller(w);
  const table = uniqueName('daily').replace('-', '_');
  try {
    await call('database::execute', { db: 'primary', sql: `CREATE TABLE ${table} (day TEXT PRIMARY KEY, count INTEGER NOT NULL)` });
    const missing = await rejectsWith(call('database::query', { db: 'analytics', sql: 'SELECT 1' }), 'UNKNOWN_DB');
    assert.deepEqual(missing.available, ['primary']);
    await engine.reconfigure('database', {
      databases: { primary: { url: 'sqlite:./data/iii.db' }, analytics: { url: 'sqlite:./data/analytics.db' } },
    });
    const upsert = `INSERT INTO ${table} (day, count) VALUES (?, 1) ON CONFLICT(day) DO UPDATE SET count = count + 1`;
    await call('database::execute', { db: 'analytics', sql: `CREATE TABLE ${table} (day TEXT PRIMARY KEY, count INTEGER NOT NULL)` });
    await call('database::execute', { db: 'analytics', sql: upsert, params: ['2026-01-01'] });
    await call('database::execute', { db: 'analytics', sql: upsert, params: ['2026-01-01'] });
    assert.deepEqual(((await call('database::query', { db: 'analytics', sql: `SELECT * FROM ${table}` })) as { rows: unknown[] }).rows, [
      { day: '2026-01-01', count: 2 },
    ]);
    assert.ok(existsSync(join(engine.projectDir, 'data/analytics.db')));
    // The primary database (and its table) is still there; an invalid config is refused and changes nothing.
    assert.equal(((await call('database::query', { db: 'primary', sql: `SELECT * FROM ${table}` })) as { row_count: number }).row_count, 0);
    await assert.rejects(
      engine.reconfigure('database', { databases: { primary: { url: 'oracle://x/y' } } }),
      /sqlite:, postgres:\/\/, postgresql:\/\//,
    );
    assert.equal(
      ((await call('database::query', { db: 'analytics', sql: `SELECT * FROM ${table}` })) as { row_count: number }).row_count,
      1,
    );
    // Other modules reach the same databases through the `sql` service.
    const sql = engine.api.services.get('sql');
    assert.deepEqual((await sql?.get('analytics').query(`SELECT count FROM ${table}`))?.rows, [{ count: 2 }]);
  } finally {
    await w.shutdown();
    await engine.stop();
  }
});

const pgProblem = await pgReachable();
const pgSkip = pgProblem && process.env.CI !== 'true' ? `PostgreSQL unreachable (${pgProblem}); skipped` : false;

test('postgres: the same shapes through the engine, `?` and `$1` placeholders', { skip: pgSkip }, async () => {
  assert.equal(pgProblem, undefined, 'PostgreSQL must be reachable under CI=true');
  const engine = await startTestEngine({
    workers: [{ name: 'database', config: { databases: { pg: { url: PG_URL, pool: { max: 4 } } } } }],
  });
  const w = connectWorker(engine);
  const call = caller(w);
  const t = await createLinkly(call, 'pg', 'BIGSERIAL PRIMARY KEY', uniqueName('p').replace('-', '_'));
  try {
    const ins = await call('database::execute', {
      db: 'pg',
      sql: `INSERT INTO ${t.links} (code, url) VALUES ($1, $2)`,
      params: ['iii', 'https://iii.dev'],
    });
    assert.deepEqual(ins, { affected_rows: 1, last_insert_id: null, returned_rows: [] });
    const click = await call('database::execute', {
      db: 'pg',
      sql: `INSERT INTO ${t.clicks} (code, clicked_at) VALUES (?, ?)`,
      params: ['iii', 'now'],
      returning: ['id'],
    });
    assert.deepEqual(click, { affected_rows: 1, last_insert_id: '1', returned_rows: [{ id: '1' }] }, 'BIGSERIAL is 64-bit: a string');
    const q = await call('database::query', {
      db: 'pg',
      sql: `SELECT l.code, COUNT(c.id) AS clicks FROM ${t.links} l JOIN ${t.clicks} c ON c.code = l.code GROUP BY l.code`,
    });
    assert.deepEqual(q, {
      columns: [
        { name: 'code', type: 'TEXT' },
        { name: 'clicks', type: 'INT8' },
      ],
      row_count: 1,
      rows: [{ code: 'iii', clicks: '1' }],
    });
    const dup = await rejectsWith(
      call('database::execute', { db: 'pg', sql: `INSERT INTO ${t.links} (code, url) VALUES (?, ?)`, params: ['iii', 'x'] }),
      'DRIVER_ERROR',
    );
    assert.deepEqual([dup.driver, dup.inner_code, dup.kind], ['postgres', '23505', 'constraint_violation']);
    const slow = await rejectsWith(call('database::query', { db: 'pg', sql: 'SELECT pg_sleep(5)', timeout_ms: 50 }), 'QUERY_TIMEOUT');
    assert.deepEqual([slow.db, slow.timeout_ms], ['pg', 50]);
    const unknown = await rejectsWith(call('database::query', { db: 'primary', sql: 'SELECT 1' }), 'UNKNOWN_DB');
    assert.deepEqual(unknown.available, ['pg']);
  } finally {
    await call('database::execute', { db: 'pg', sql: `DROP TABLE IF EXISTS ${t.links}, ${t.clicks}` }).catch(() => {});
    await w.shutdown();
    await engine.stop();
  }
});

test('boot with an unsupported scheme fails, naming the supported ones', async () => {
  await assert.rejects(
    startTestEngine({ workers: [{ name: 'database', config: { databases: { legacy: { url: 'oracle://db/app' } } } }] }),
    /databases\.legacy\.url: unsupported scheme .*sqlite:, postgres:\/\/, postgresql:\/\//,
  );
});

test('postgres unreachable: DRIVER_ERROR tagged unavailable, naming PostgreSQL and the masked URL; the engine keeps serving', async () => {
  // A port nothing listens on: a real connection refusal, no server needed.
  const port = await freePort();
  const url = `postgres://linkly:s3cret@127.0.0.1:${port}/nowhere`;
  const engine = await startTestEngine({
    workers: [{ name: 'database', config: { databases: { down: { url, pool: { acquire_timeout_ms: 2000 } } } } }],
  });
  const w = connectWorker(engine);
  try {
    const err = await rejectsWith(caller(w)('database::query', { db: 'down', sql: 'SELECT 1' }), 'DRIVER_ERROR');
    assert.equal(err.kind, 'unavailable');
    assert.equal(err.inner_code, 'E_DB_UNAVAILABLE');
    assert.equal(err.service, 'PostgreSQL');
    assert.equal(err.url, `postgres://linkly:***@127.0.0.1:${port}/nowhere`);
    assert.match(
      String(err.message),
      new RegExp(`PostgreSQL at postgres://linkly:\\*\\*\\*@127\\.0\\.0\\.1:${port}/nowhere .*unreachable`),
    );
    assert.doesNotMatch(JSON.stringify(err), /s3cret/, 'the password never leaves the engine');
    // The engine still answers other calls.
    const dbs = (await caller(w)('database::listDatabases', {})) as unknown;
    assert.ok(JSON.stringify(dbs).includes('"down"'));
  } finally {
    await w.shutdown();
    await engine.stop();
  }
});
