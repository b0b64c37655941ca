/**
 * `database::query` through the engine, per driver, beside that driver used raw in the same run:
 *   SQLite     — iii-sdk worker → engine → SqliteDriver   vs  better-sqlite3 `all()` on the same file
 *   PostgreSQL — iii-sdk worker → engine → PostgresDriver vs  a `pg` Pool of the same size
 *   MariaDB    — iii-sdk worker → engine → MysqlDriver    vs  a `mysql2` pool of the same size (`execute`)
 * and the adapter alone (the engine's driver called in process), to tell adapter cost from routing cost.
 * Same point SELECT on a 10,000-row table, `--concurrency` calls in flight. Subject and baseline alternate
 * round by round (`--rounds`), and each side's median round is reported, so load from other work on the
 * machine falls on both. The ratio is what routing a query through the engine (WebSocket, JSON, the
 * worker SDK, the function's input parse) costs over calling the driver directly. Servers that are not
 * reachable are skipped, saying so. Loopback only, bounded counts.
 *
 *   npm run bench -- database-drivers [--ops 5000] [--concurrency 16] [--rounds 3]
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { startEngine } from '@triad/engine';
import { createDriver, DEFAULT_POOL } from '@triad/engine/internal';
import Database from 'better-sqlite3';
import { registerWorker } from 'iii-sdk';
import mysql from 'mysql2/promise';
import pg from 'pg';
import { MYSQL_URL, mysqlReachable, PG_URL, pgReachable } from '../test/conformance/sql-services.ts';
import { load, report, type Sample } from './lib/stats.ts';

function arg(name: string, fallback: number): number {
  const i = process.argv.indexOf(`--${name}`);
  return i >= 0 ? Number(process.argv[i + 1]) : fallback;
}

const OPS = arg('ops', 5_000);
const CONCURRENCY = arg('concurrency', 16);
const ROUNDS = arg('rounds', 3);
const ROWS = 10_000;
const POOL = 10;

interface Case {
  name: string;
  /** config/database.yaml entry for `bench`. */
  url: string;
  /** Skip reason, or undefined to run. */
  problem: Promise<string | undefined>;
  /** Create and fill the table (raw client), return the raw point query and a cleanup. */
  setUp(table: string): Promise<{ raw: (code: string) => Promise<unknown> | unknown; sql: string; done(): Promise<void> }>;
  baseline: string;
}

const dir = mkdtempSync(join(tmpdir(), 'triad-bench-drivers-'));

const CASES: Case[] = [
  {
    name: 'SQLite',
    url: 'sqlite:./bench.db',
    problem: Promise.resolve(undefined),
    baseline: 'better-sqlite3 all()',
    async setUp(table) {
      const db = new Database(join(dir, 'bench.db'));
      db.pragma('journal_mode = WAL');
      db.exec(`CREATE TABLE ${table} (code TEXT PRIMARY KEY, url TEXT NOT NULL)`);
      const insert = db.prepare(`INSERT INTO ${table} VALUES (?, 'https://iii.dev')`);
      db.transaction(() => {
        for (let i = 0; i < ROWS; i++) insert.run(`c${i}`);
      })();
      const sql = `SELECT code, url FROM ${table} WHERE code = ?`;
      const select = db.prepare(sql);
      return {
        raw: (code) => select.all(code),
        sql,
        done: async () => {
          db.close();
        },
      };
    },
  },
  {
    name: 'PostgreSQL',
    url: PG_URL,
    problem: pgReachable(),
    baseline: 'pg Pool.query',
    async setUp(table) {
      const pool = new pg.Pool({ connectionString: PG_URL, max: POOL });
      await pool.query(`CREATE TABLE ${table} (code TEXT PRIMARY KEY, url TEXT NOT NULL)`);
      await pool.query(`INSERT INTO ${table} SELECT 'c' || g, 'https://iii.dev' FROM generate_series(0, ${ROWS - 1}) g`);
      const sql = `SELECT code, url FROM ${table} WHERE code = $1`;
      return {
        raw: (code) => pool.query(sql, [code]),
        sql,
        done: async () => {
          await pool.query(`DROP TABLE IF EXISTS ${table}`);
          await pool.end();
        },
      };
    },
  },
  {
    name: 'MariaDB',
    url: MYSQL_URL,
    problem: mysqlReachable(),
    baseline: 'mysql2 pool.execute',
    async setUp(table) {
      const pool = mysql.createPool({ uri: MYSQL_URL, connectionLimit: POOL });
      await pool.query(`CREATE TABLE ${table} (code VARCHAR(32) PRIMARY KEY, url TEXT NOT NULL)`);
      await pool.query(
        `INSERT INTO ${table} SELECT CONCAT('c', seq), 'https://iii.dev' FROM seq_0_to_${ROWS - 1}`, // MariaDB's sequence engine
      );
      const sql = `SELECT code, url FROM ${table} WHERE code = ?`;
      return {
        raw: (code) => pool.execute(sql, [code]),
        sql,
        done: async () => {
          await pool.query(`DROP TABLE IF EXISTS ${table}`);
          await pool.end();
        },
      };
    },
  },
];

/** The median round of each contender, rounds running them in turn after one warm-up each. */
async function alternate(contenders: ((i: number) => unknown)[]): Promise<Sample[]> {
  for (const op of contenders) await load(Math.min(OPS, 1_000), CONCURRENCY, op);
  const samples: Sample[][] = contenders.map(() => []);
  for (let r = 0; r < ROUNDS; r++) {
    for (const [k, op] of contenders.entries()) samples[k]?.push(await load(OPS, CONCURRENCY, op));
  }
  return samples.map((xs) => [...xs].sort((a, b) => a.throughput - b.throughput)[Math.floor(xs.length / 2)] as Sample);
}

async function run(c: Case): Promise<void> {
  const problem = await c.problem;
  if (problem) {
    console.log(`\n${c.name}: skipped (${problem})`);
    return;
  }
  const table = `bench_drv_${process.pid}`;
  const fixture = await c.setUp(table);
  const engine = await startEngine({
    projectDir: dir,
    logLevel: 'warn',
    workers: [
      { name: 'iii-worker-manager', config: { host: '127.0.0.1', port: 0 } },
      { name: 'database', config: { databases: { bench: { url: c.url, pool: { max: POOL } } } } },
    ],
  });
  const adapter = createDriver({ name: 'bench', url: c.url, pool: { ...DEFAULT_POOL, max: POOL }, baseDir: dir });
  const w = registerWorker(engine.addresses.worker as string, {
    workerName: 'bench',
    otel: { enabled: false },
    enableMetricsReporting: false,
  });
  try {
    const viaEngine = (i: number) =>
      w.trigger({ function_id: 'database::query', payload: { db: 'bench', sql: fixture.sql, params: [`c${i % ROWS}`] } });
    // The same adapter the engine uses, called in process: splits the cost into adapter and routing.
    const direct = (i: number) => adapter.query(fixture.sql, [`c${i % ROWS}`]);
    await viaEngine(0);
    const [ours, viaAdapter, raw] = (await alternate([viaEngine, direct, (i) => fixture.raw(`c${i % ROWS}`)])) as [Sample, Sample, Sample];
    const title = `${c.name} point SELECT, ${CONCURRENCY} in flight (${OPS} ops × ${ROUNDS} rounds, median round)`;
    report(title, ours, raw, { subject: 'database::query', baseline: c.baseline });
    report(`${c.name}: the adapter alone, in process`, viaAdapter, raw, { subject: 'adapter.query', baseline: c.baseline });
  } finally {
    await adapter.close();
    await w.shutdown();
    await engine.stop();
    await fixture.done();
  }
}

try {
  for (const c of CASES) await run(c);
} finally {
  rmSync(dir, { recursive: true, force: true });
}
