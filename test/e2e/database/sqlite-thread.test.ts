/**
 * SQLite off the engine's thread (issue 13): a statement stuck inside SQLite stalls only its own
 * thread — other workers' calls, other databases and HTTP requests keep being served — and
 * `timeout_ms` ends it with QUERY_TIMEOUT, after which the database is usable and the interrupted
 * write is rolled back, never committed.
 *
 * "Slow" is made deterministic where ordering matters: the test holds SQLite's write lock from its own
 * connection, so an INSERT through the engine waits inside SQLite (in the busy handler, a native call)
 * until the test lets go. On the engine's thread that wait froze the whole engine.
 */
import assert from 'node:assert/strict';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { test } from 'node:test';
import Database from 'better-sqlite3';
import type { IIIClient } from 'iii-sdk';
import { connectWorker, startTestEngine, type TestEngine, waitForFunction } from '../../helpers/engine.ts';
import { uniqueName } from '../../helpers/names.ts';
import { type Call, caller, track } from './calls.ts';

/** Long busy waits, so the held lock (not the busy timeout) decides when the stuck INSERT proceeds. */
const POOL = { max: 10, idle_timeout_ms: 30_000, acquire_timeout_ms: 120_000 };

async function withEngine(fn: (e: TestEngine, a: Call, b: Call, b0: IIIClient) => Promise<void>): Promise<void> {
  const engine = await startTestEngine({
    workers: [
      { name: 'http' },
      {
        name: 'database',
        config: {
          databases: { primary: { url: 'sqlite:./data/iii.db', pool: POOL }, analytics: { url: 'sqlite:./data/analytics.db', pool: POOL } },
        },
      },
    ],
  });
  const a = connectWorker(engine, uniqueName('slow'));
  const b = connectWorker(engine, uniqueName('other'));
  try {
    await fn(engine, caller(a), caller(b), b);
  } finally {
    await a.shutdown();
    await b.shutdown();
    await engine.stop();
  }
}

/** The test's own connection holding the write lock until `release()`. */
function holdWriteLock(file: string): { release(): void; close(): void } {
  const db = new Database(file);
  db.pragma('busy_timeout = 60000');
  db.exec('BEGIN IMMEDIATE');
  return { release: () => db.exec('ROLLBACK'), close: () => db.close() };
}

test('a statement stuck in SQLite blocks nobody else: other calls, databases and HTTP keep being served', () =>
  withEngine(async (engine, a, b, bWorker) => {
    const t = uniqueName('t').replace('-', '_');
    await a('database::execute', { db: 'primary', sql: `CREATE TABLE ${t} (id INTEGER PRIMARY KEY, v TEXT)` });
    await a('database::execute', { db: 'primary', sql: `INSERT INTO ${t} (v) VALUES ('before')` });
    await b('database::execute', { db: 'analytics', sql: `CREATE TABLE ${t} (v TEXT)` });
    const fnId = uniqueName('ping');
    bWorker.registerFunction(fnId, async () => ({ body: { pong: true } }));
    await waitForFunction(engine, fnId);
    await b('engine::register_trigger', { trigger_type: 'http', function_id: fnId, config: { api_path: `/${fnId}` }, metadata: null });

    const lock = holdWriteLock(join(engine.projectDir, 'data/iii.db'));
    try {
      const slow = track(a('database::execute', { db: 'primary', sql: `INSERT INTO ${t} (v) VALUES ('slow')` }));
      // While it waits inside SQLite: reads of the same database, writes to another, HTTP and plain calls.
      const read = (await b('database::query', { db: 'primary', sql: `SELECT v FROM ${t}` })) as { rows: unknown[] };
      assert.deepEqual(read.rows, [{ v: 'before' }]);
      await b('database::execute', { db: 'analytics', sql: `INSERT INTO ${t} VALUES (?)`, params: ['meanwhile'] });
      const http = await fetch(`${engine.addresses.http}/${fnId}`);
      assert.equal(http.status, 200);
      assert.deepEqual(await http.json(), { pong: true });
      assert.deepEqual(await b('database::listDatabases', {}), {
        databases: [
          { name: 'primary', driver: 'sqlite', url: 'sqlite:./data/iii.db' },
          { name: 'analytics', driver: 'sqlite', url: 'sqlite:./data/analytics.db' },
        ],
      });
      assert.equal(slow.done(), false, 'the stuck INSERT is still waiting inside SQLite');
      lock.release();
      assert.deepEqual(await slow.p, { affected_rows: 1, last_insert_id: '2', returned_rows: [] });
    } finally {
      lock.close();
    }
  }));

test('timeout_ms: a long recursive CTE ends with QUERY_TIMEOUT and the database stays usable', () =>
  withEngine(async (_engine, a) => {
    // Ten million rows take seconds, far beyond 20 ms on any machine.
    const sql = 'WITH RECURSIVE c(x) AS (SELECT 1 UNION ALL SELECT x + 1 FROM c WHERE x < 10000000) SELECT COUNT(*) AS n FROM c';
    const err = (await a('database::query', { db: 'primary', sql, timeout_ms: 20 }).then(
      () => assert.fail('expected QUERY_TIMEOUT'),
      (e: unknown) => e,
    )) as { code?: string; message?: string };
    assert.equal(err.code, 'QUERY_TIMEOUT', err.message);
    const body = JSON.parse(String(err.message).slice('QUERY_TIMEOUT: '.length)) as Record<string, unknown>;
    assert.equal(body.db, 'primary');
    assert.equal(body.timeout_ms, 20);
    assert.deepEqual(((await a('database::query', { db: 'primary', sql: 'SELECT 1 AS one' })) as { rows: unknown[] }).rows, [{ one: 1 }]);
  }));

test('timeout_ms on a write: QUERY_TIMEOUT, the interrupted INSERT is rolled back (never committed), later writes work', () =>
  withEngine(async (engine, a) => {
    const t = uniqueName('t').replace('-', '_');
    const file = join(engine.projectDir, 'data/iii.db');
    await a('database::execute', { db: 'primary', sql: `CREATE TABLE ${t} (v TEXT)` });
    const lock = holdWriteLock(file);
    try {
      const err = (await a('database::execute', { db: 'primary', sql: `INSERT INTO ${t} VALUES ('timed-out')`, timeout_ms: 200 }).then(
        () => assert.fail('expected QUERY_TIMEOUT'),
        (e: unknown) => e,
      )) as { code?: string };
      assert.equal(err.code, 'QUERY_TIMEOUT');
    } finally {
      // The abandoned thread now gets the lock, runs its INSERT, and must roll it back.
      lock.release();
      lock.close();
    }
    // Once anyone can take the write lock again, the abandoned thread is done with it.
    const check = new Database(file);
    try {
      check.pragma('busy_timeout = 60000');
      check.exec('BEGIN IMMEDIATE');
      check.exec('ROLLBACK');
      assert.deepEqual(check.prepare(`SELECT v FROM ${t}`).all(), [], 'the timed-out INSERT was not committed');
    } finally {
      check.close();
    }
    await a('database::execute', { db: 'primary', sql: `INSERT INTO ${t} VALUES ('after')` });
    assert.deepEqual(((await a('database::query', { db: 'primary', sql: `SELECT v FROM ${t}` })) as { rows: unknown[] }).rows, [
      { v: 'after' },
    ]);
  }));

test('engine stop closes every SQLite thread (the WAL is checkpointed and removed)', async () => {
  const engine = await startTestEngine({ workers: [{ name: 'database' }] });
  const w = connectWorker(engine);
  const wal = join(engine.projectDir, 'data/iii.db-wal');
  try {
    const call = caller(w);
    const t = uniqueName('t').replace('-', '_');
    await call('database::execute', { db: 'primary', sql: `CREATE TABLE ${t} (v TEXT)` });
    // Concurrent reads start reader threads beside the writer.
    await Promise.all(Array.from({ length: 8 }, () => call('database::query', { db: 'primary', sql: `SELECT COUNT(*) FROM ${t}` })));
    assert.ok(existsSync(wal), 'open connections keep a WAL file');
  } finally {
    await w.shutdown();
    await engine.stop();
  }
  // SQLite removes the WAL when its last connection closes: stop() returned after writer and readers closed.
  assert.equal(existsSync(wal), false, 'no SQLite connection is left open after engine.stop()');
});
