/**
 * `database` worker cost, each figure beside a baseline measured in the same run:
 *   1. SQLite adapter vs raw better-sqlite3 (same file, same pragmas): point SELECT and INSERT;
 *   2. PostgreSQL adapter vs a raw `pg` Pool (same server, same pool size), when reachable;
 *   3. `database::query` through the engine from a real iii-sdk worker vs an in-process echo
 *      function through the same engine and worker (what the database step adds to an invocation);
 *   4. SQLite on its worker threads vs the pre-thread in-thread mode vs raw better-sqlite3, at the
 *      adapter and through the engine (`database::query` beside the same function built on an
 *      in-thread pool), and what a slow SQLite query does to other calls' latency in each mode.
 * Loopback only, bounded counts.
 *
 *   node --import tsx bench/database.ts [--ops 20000] [--concurrency 16] [--rounds 3]
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createLogger, startEngine } from '@triad/engine';
import { createDriver, DatabasePools, DEFAULT_POOL, databaseFunctions, parseDatabaseConfig } from '@triad/engine/internal';
import Database from 'better-sqlite3';
import { registerWorker } from 'iii-sdk';
import pg from 'pg';
import { PG_URL, pgReachable } from '../test/conformance/sql-services.ts';
import { load, report, type Sample, summarise } from './lib/stats.ts';

function arg(name: string, fallback: number): number {
  const i = process.argv.indexOf(`--${name}`);
  return i >= 0 ? Number(process.argv[i + 1]) : fallback;
}

const OPS = arg('ops', 20_000);
const CONCURRENCY = arg('concurrency', 16);
const ROUNDS = arg('rounds', 3);

/**
 * Sequential ops, alternating subject and baseline call by call so both see the same table size,
 * WAL state and CPU conditions; throughput = ops / summed latency.
 */
async function paired(ops: number, subject: (i: number) => unknown, baseline: (i: number) => unknown): Promise<[Sample, Sample]> {
  const a: number[] = [];
  const b: number[] = [];
  for (let i = 0; i < ops; i++) {
    let t = performance.now();
    await subject(i);
    a.push(performance.now() - t);
    t = performance.now();
    await baseline(i);
    b.push(performance.now() - t);
  }
  const sum = (xs: number[]) => xs.reduce((x, y) => x + y, 0);
  return [summarise(a, sum(a)), summarise(b, sum(b))];
}

/**
 * Concurrent load: warm both up, then alternate baseline/subject for ROUNDS rounds and keep each
 * side's best round, so a noisy neighbour on a shared machine hurts neither side more than the other.
 */
async function rounds(
  ops: number,
  subject: (i: number) => Promise<unknown>,
  baseline: (i: number) => Promise<unknown>,
): Promise<[Sample, Sample]> {
  await load(Math.min(ops, 1_000), CONCURRENCY, baseline);
  await load(Math.min(ops, 1_000), CONCURRENCY, subject);
  let best: [Sample | undefined, Sample | undefined] = [undefined, undefined];
  const better = (x: Sample, y: Sample | undefined): Sample => (y && y.throughput >= x.throughput ? y : x);
  for (let r = 0; r < ROUNDS; r++) {
    const base = await load(ops, CONCURRENCY, baseline);
    const subj = await load(ops, CONCURRENCY, subject);
    best = [better(subj, best[0]), better(base, best[1])];
  }
  return best as [Sample, Sample];
}

async function sqliteAdapter(dir: string): Promise<void> {
  const driver = createDriver({ name: 'bench', url: 'sqlite:./bench.db', pool: DEFAULT_POOL, baseDir: dir });
  await driver.execute('CREATE TABLE links (code TEXT PRIMARY KEY, url TEXT NOT NULL)');
  const raw = new Database(join(dir, 'bench.db'));
  raw.pragma('journal_mode = WAL');
  raw.pragma('foreign_keys = ON');
  const rawInsert = raw.prepare('INSERT INTO links (code, url) VALUES (?, ?)');
  const rawSelect = raw.prepare('SELECT code, url FROM links WHERE code = ?');
  const inserts = Math.min(OPS, 5_000);
  await driver.query('SELECT 1'); // start the reader thread before anything is timed
  // Interleave rounds so neither side gets a warmer cache or a fuller table.
  const insRaw = await load(inserts, 1, (i) => rawInsert.run(`r${i}`, 'https://iii.dev'));
  const insOurs = await load(inserts, 1, (i) =>
    driver.execute('INSERT INTO links (code, url) VALUES (?, ?)', [`o${i}`, 'https://iii.dev']),
  );
  report(`sqlite INSERT, sequential, alternating (${inserts} ops)`, insOurs, insRaw, {
    subject: 'SqliteDriver.execute (threads)',
    baseline: 'better-sqlite3 run',
  });
  const [selOurs, selRaw] = await paired(
    OPS,
    (i) => driver.query('SELECT code, url FROM links WHERE code = ?', [`o${i % inserts}`]),
    (i) => rawSelect.all(`r${i % inserts}`),
  );
  report(`sqlite point SELECT, sequential, alternating (${OPS} ops)`, selOurs, selRaw, {
    subject: 'SqliteDriver.query (threads)',
    baseline: 'better-sqlite3 all',
  });
  raw.close();
  await driver.close();
}

async function postgresAdapter(): Promise<void> {
  const problem = await pgReachable();
  if (problem) {
    console.log(`\npostgres: skipped (${problem})`);
    return;
  }
  const table = `bench_${process.pid}`;
  const driver = createDriver({ name: 'bench', url: PG_URL, pool: DEFAULT_POOL, baseDir: '.' });
  const raw = new pg.Pool({ connectionString: PG_URL, max: DEFAULT_POOL.max });
  try {
    await driver.execute(`CREATE TABLE ${table} (code TEXT PRIMARY KEY, url TEXT NOT NULL)`);
    const n = Math.min(OPS, 10_000);
    await driver.execute(`INSERT INTO ${table} SELECT 'c' || g, 'https://iii.dev' FROM generate_series(0, ${n - 1}) g`);
    const sql = `SELECT code, url FROM ${table} WHERE code = $1`;
    const [ours, rawS] = await rounds(
      n,
      (i) => driver.query(sql, [`c${i}`]),
      (i) => raw.query(sql, [`c${i}`]),
    );
    report(`postgres point SELECT, ${CONCURRENCY} concurrent (${n} ops)`, ours, rawS, {
      subject: 'PostgresDriver.query',
      baseline: 'pg Pool.query',
    });
  } finally {
    await driver.execute(`DROP TABLE IF EXISTS ${table}`).catch(() => {});
    await driver.close();
    await raw.end();
  }
}

/** A real iii-sdk worker and a one-row `links` table in `primary`; `payload` is the point SELECT of that row. */
async function linksWorker(url: string, workerName: string) {
  const w = registerWorker(url, { workerName, otel: { enabled: false }, enableMetricsReporting: false });
  const call = (function_id: string, payload: unknown) => w.trigger({ function_id, payload });
  await call('database::execute', { db: 'primary', sql: 'CREATE TABLE links (code TEXT PRIMARY KEY, url TEXT NOT NULL)' });
  await call('database::execute', { db: 'primary', sql: "INSERT INTO links VALUES ('c1', 'https://iii.dev')" });
  return { w, call, payload: { db: 'primary', sql: 'SELECT code, url FROM links WHERE code = ?', params: ['c1'] } };
}

async function throughEngine(dir: string): Promise<void> {
  const engine = await startEngine({
    projectDir: dir,
    logLevel: 'warn',
    workers: [{ name: 'iii-worker-manager', config: { host: '127.0.0.1', port: 0 } }, { name: 'database' }],
  });
  const result = { columns: [{ name: 'code', type: 'TEXT' }], row_count: 1, rows: [{ code: 'c1', url: 'https://iii.dev' }] };
  engine.api.registerFunction({ id: 'bench::echo', handler: () => result });
  const { w, call, payload } = await linksWorker(engine.addresses.worker as string, 'bench');
  try {
    const n = Math.min(OPS, 10_000);
    const [db, echo] = await rounds(
      n,
      () => call('database::query', payload),
      () => call('bench::echo', payload),
    );
    report(`iii-sdk → engine, ${CONCURRENCY} concurrent (${n} ops)`, db, echo, {
      subject: 'database::query',
      baseline: 'in-process echo fn',
    });
  } finally {
    await w.shutdown();
    await engine.stop();
  }
}

const dir = mkdtempSync(join(tmpdir(), 'triad-bench-db-'));
try {
  await sqliteAdapter(dir);
  await postgresAdapter();
  await throughEngine(dir);
  await sqliteThreadModes(dir);
} finally {
  rmSync(dir, { recursive: true, force: true });
}

/**
 * SQLite on worker threads vs the in-thread mode it replaced (`createDriver(..., { sqlite: { inThread: true } })`)
 * vs raw better-sqlite3, all on one file: adapter calls, then `database::query` through the engine (the real
 * function, once over a threaded pool and once over an in-thread pool registered under another id), then
 * the latency of a trivial call while a slow query runs, which is what the threads are for.
 */
async function sqliteThreadModes(dir: string): Promise<void> {
  const opts = { name: 'modes', url: 'sqlite:./modes.db', pool: DEFAULT_POOL, baseDir: dir };
  const threads = createDriver(opts);
  const inThread = createDriver(opts, { sqlite: { inThread: true } });
  await threads.execute('CREATE TABLE links (code TEXT PRIMARY KEY, url TEXT NOT NULL)');
  await threads.transaction(
    Array.from({ length: 1000 }, (_, i) => ({ sql: 'INSERT INTO links VALUES (?, ?)', params: [`c${i}`, 'https://iii.dev'] })),
  );
  const raw = new Database(join(dir, 'modes.db'));
  const rawSelect = raw.prepare('SELECT code, url FROM links WHERE code = ?');
  const sql = 'SELECT code, url FROM links WHERE code = ?';
  const n = Math.min(OPS, 10_000);
  // Start every reader thread (thread start-up is not what is measured).
  await Promise.all(Array.from({ length: CONCURRENCY }, (_, k) => threads.query(sql, [`c${k}`])));
  const [t, i] = await paired(
    n,
    (k) => threads.query(sql, [`c${k % 1000}`]),
    (k) => inThread.query(sql, [`c${k % 1000}`]),
  );
  report(`sqlite point SELECT, sequential (${n} ops)`, t, i, { subject: 'threads', baseline: 'in-thread (old)' });
  const [i2, r] = await paired(
    n,
    (k) => inThread.query(sql, [`c${k % 1000}`]),
    (k) => rawSelect.all(`c${k % 1000}`),
  );
  report(`sqlite point SELECT, sequential (${n} ops)`, i2, r, { subject: 'in-thread (old)', baseline: 'raw better-sqlite3' });
  const [tc, ic] = await rounds(
    n,
    (k) => threads.query(sql, [`c${k % 1000}`]),
    (k) => inThread.query(sql, [`c${k % 1000}`]),
  );
  report(`sqlite point SELECT, ${CONCURRENCY} concurrent (${n} ops)`, tc, ic, { subject: 'threads', baseline: 'in-thread (old)' });
  raw.close();
  await threads.close();
  await inThread.close();
  await sqliteModesThroughEngine(dir);
}

async function sqliteModesThroughEngine(dir: string): Promise<void> {
  const engine = await startEngine({
    projectDir: dir,
    logLevel: 'warn',
    workers: [
      { name: 'iii-worker-manager', config: { host: '127.0.0.1', port: 0 } },
      { name: 'database', config: { databases: { primary: { url: 'sqlite:./engine-modes.db' } } } },
    ],
  });
  const oldConfig = parseDatabaseConfig({ databases: { primary: { url: 'sqlite:./engine-modes.db' } } });
  const oldPools = new DatabasePools(oldConfig, dir, undefined, { sqlite: { inThread: true } });
  const deps = { pools: oldPools, changes: { committed: () => {}, watches: () => false }, log: createLogger('bench', { level: 'warn' }) };
  const query = databaseFunctions(deps).find((f) => f.id === 'database::query');
  if (!query) throw new Error('database::query not found');
  engine.api.registerFunction({ ...query, id: 'bench::query-inthread' });
  engine.api.registerFunction({ id: 'bench::echo', handler: () => ({ ok: true }) });
  const { w, call, payload } = await linksWorker(engine.addresses.worker as string, 'bench-modes');
  try {
    const n = Math.min(OPS, 10_000);
    const [t, i] = await rounds(
      n,
      () => call('database::query', payload),
      () => call('bench::query-inthread', payload),
    );
    report(`iii-sdk → engine database::query, ${CONCURRENCY} concurrent (${n} ops)`, t, i, {
      subject: 'threads',
      baseline: 'in-thread (old)',
    });
    // A slow query (a 3M-row recursive CTE) in flight while 200 echo calls run one after another.
    const slow = {
      db: 'primary',
      sql: 'WITH RECURSIVE c(x) AS (SELECT 1 UNION ALL SELECT x + 1 FROM c WHERE x < 3000000) SELECT COUNT(*) FROM c',
    };
    const during = async (fn: string): Promise<Sample> => {
      const running = call(fn, slow);
      const s = await load(200, 1, () => call('bench::echo', {}));
      await running;
      return s;
    };
    const echoThreads = await during('database::query');
    const echoOld = await during('bench::query-inthread');
    report('echo call latency while a slow SQLite query runs (200 sequential calls)', echoThreads, echoOld, {
      subject: 'threads',
      baseline: 'in-thread (old)',
    });
  } finally {
    await w.shutdown();
    await engine.stop();
    await oldPools.close();
  }
}
