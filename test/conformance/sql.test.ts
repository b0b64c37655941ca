/**
 * One suite every SQL adapter of the `database` worker must pass (SQLite, PostgreSQL, MariaDB/MySQL).
 * Filter with `DIALECTS=sqlite` (or `postgres`, `mysql`). PostgreSQL runs against `PG_URL`
 * (default postgres://postgres@127.0.0.1:5432/test), MariaDB against `MYSQL_URL` (default
 * mysql://root@127.0.0.1:3306/test); each is skipped, saying so, when unreachable — except under
 * CI=true, where that is a failure.
 */
import assert from 'node:assert/strict';
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, test } from 'node:test';
import { EngineError } from '@triad/engine';
import { createDriver, DEFAULT_POOL, type SqlDialect, type SqlDriver } from '@triad/engine/internal';
import { uniqueName } from '../helpers/names.ts';
import { waitFor } from '../helpers/wait.ts';
import { MYSQL_URL, mysqlReachable, PG_URL, pgReachable } from './sql-services.ts';

interface DialectCase {
  name: SqlDialect;
  url(dir: string): string;
  /** Column DDL per logical type. */
  ddl: { id: string; text: string; int: string; real: string; blob: string; bool: string };
  /** Declared type names reported in `columns[].type`. */
  types: { id: string; int: string; text: string; real: string; count: string };
  /** How an identity / COUNT value comes back (64-bit → string on PostgreSQL). */
  big(n: number): unknown;
  bool(v: boolean): unknown;
  /** How `CAST(? AS INTEGER)` comes back (MySQL casts to BIGINT → an exact string). */
  castInt(n: number): unknown;
  /** Cast target for a 64-bit integer. */
  bigint: string;
  /** SQL that sleeps for `s` seconds on the server. */
  sleep(s: number): string;
  blobLiteral: string;
  duplicateCode: string;
  /** Server-side statement timeouts and a bounded pool exist. */
  timeouts: boolean;
}

const DIALECTS: DialectCase[] = [
  {
    name: 'sqlite',
    url: () => 'sqlite:./nested/dir/test.db',
    ddl: { id: 'INTEGER PRIMARY KEY AUTOINCREMENT', text: 'TEXT', int: 'INTEGER', real: 'REAL', blob: 'BLOB', bool: 'INTEGER' },
    types: { id: 'INTEGER', int: 'INTEGER', text: 'TEXT', real: 'REAL', count: '' },
    big: (n) => n,
    bool: (v) => (v ? 1 : 0),
    castInt: (n) => n,
    bigint: 'BIGINT',
    sleep: () => '',
    blobLiteral: "X'DEADBEEF'",
    duplicateCode: 'SQLITE_CONSTRAINT_PRIMARYKEY',
    timeouts: false,
  },
  {
    name: 'postgres',
    url: () => PG_URL,
    ddl: { id: 'BIGSERIAL PRIMARY KEY', text: 'TEXT', int: 'INTEGER', real: 'DOUBLE PRECISION', blob: 'BYTEA', bool: 'BOOLEAN' },
    types: { id: 'INT8', int: 'INT4', text: 'TEXT', real: 'FLOAT8', count: 'INT8' },
    big: (n) => String(n),
    bool: (v) => v,
    castInt: (n) => n,
    bigint: 'BIGINT',
    sleep: (s) => `SELECT pg_sleep(${s})`,
    blobLiteral: "'\\xdeadbeef'::bytea",
    duplicateCode: '23505',
    timeouts: true,
  },
  {
    name: 'mysql',
    url: () => MYSQL_URL,
    // VARCHAR key: MariaDB gives a UNIQUE TEXT column a hash index whose concurrent inserts deadlock.
    ddl: { id: 'BIGINT AUTO_INCREMENT PRIMARY KEY', text: 'VARCHAR(191)', int: 'INT', real: 'DOUBLE', blob: 'BLOB', bool: 'BOOLEAN' },
    types: { id: 'BIGINT', int: 'INT', text: 'VARCHAR', real: 'DOUBLE', count: 'BIGINT' },
    big: (n) => String(n),
    bool: (v) => (v ? 1 : 0),
    castInt: (n) => String(n),
    bigint: 'SIGNED',
    sleep: (s) => `SELECT SLEEP(${s})`,
    blobLiteral: "X'DEADBEEF'",
    duplicateCode: '23000',
    timeouts: true,
  },
];
const wanted = process.env.DIALECTS?.split(',');

type Ctx = { db: SqlDriver; table: string; dir: string };

function open(d: DialectCase, dir: string, pool: Partial<typeof DEFAULT_POOL> = {}): SqlDriver {
  return createDriver({ name: 'main', url: d.url(dir), pool: { ...DEFAULT_POOL, ...pool }, baseDir: dir });
}

/** A fresh driver and a unique `links`-like table, dropped afterwards. */
async function withTable(d: DialectCase, fn: (c: Ctx) => Promise<void>, pool: Partial<typeof DEFAULT_POOL> = {}): Promise<void> {
  const dir = mkdtempSync(join(tmpdir(), `triad-sql-${d.name}-`));
  const db = open(d, dir, pool);
  const table = uniqueName('t').replace('-', '_');
  try {
    await db.execute(
      `CREATE TABLE ${table} (id ${d.ddl.id}, code ${d.ddl.text} UNIQUE, url TEXT, hits ${d.ddl.int}, score ${d.ddl.real}, data ${d.ddl.blob}, flag ${d.ddl.bool})`,
    );
    await fn({ db, table, dir });
  } finally {
    await db.execute(`DROP TABLE IF EXISTS ${table}`).catch(() => {});
    await db.close();
    rmSync(dir, { recursive: true, force: true });
  }
}

/** Assert `p` rejects with a coded EngineError; returns the error's details. */
async function rejectsWith(p: Promise<unknown>, code: string): Promise<Record<string, unknown>> {
  const err = await p.then(
    () => assert.fail(`expected ${code}, got success`),
    (e: unknown) => e,
  );
  assert.ok(err instanceof EngineError, `expected EngineError, got ${String(err)}`);
  assert.equal(err.code, code, err.message);
  assert.deepEqual(JSON.parse(err.message), err.details, 'the message is the JSON of the tagged error');
  return err.details ?? {};
}

const problems: Partial<Record<SqlDialect, string | undefined>> = {
  postgres: await pgReachable(),
  mysql: await mysqlReachable(),
};
const SERVICE: Partial<Record<SqlDialect, string>> = { postgres: 'PostgreSQL', mysql: 'MariaDB/MySQL' };

for (const d of DIALECTS.filter((x) => !wanted || wanted.includes(x.name))) {
  const problem = problems[d.name];
  const skip = problem && process.env.CI !== 'true' ? `${SERVICE[d.name]} unreachable (${problem}); skipped` : false;
  describe(`sql conformance: ${d.name}`, { skip }, () => {
    if (problem) test(`${SERVICE[d.name]} is reachable (required under CI=true)`, () => assert.fail(problem));

    test('query returns columns with declared types, row_count-able rows keyed by name', () =>
      withTable(d, async ({ db, table }) => {
        await db.execute(`INSERT INTO ${table} (code, url, hits, score) VALUES (?, ?, ?, ?)`, ['a', 'https://a', 3, 1.5]);
        const r = await db.query(`SELECT id, code, hits, score FROM ${table} WHERE code = ?`, ['a']);
        assert.deepEqual(r.columns, [
          { name: 'id', type: d.types.id },
          { name: 'code', type: d.types.text },
          { name: 'hits', type: d.types.int },
          { name: 'score', type: d.types.real },
        ]);
        assert.deepEqual(r.rows, [{ id: d.big(1), code: 'a', hits: 3, score: 1.5 }]);
      }));

    test('COUNT(*) reports its dialect type and an exact value', () =>
      withTable(d, async ({ db, table }) => {
        await db.execute(`INSERT INTO ${table} (code) VALUES (?), (?)`, ['a', 'b']);
        const r = await db.query(`SELECT COUNT(*) AS clicks FROM ${table}`);
        assert.deepEqual(r.columns, [{ name: 'clicks', type: d.types.count }]);
        assert.deepEqual(r.rows, [{ clicks: d.big(2) }]);
      }));

    test('execute reports affected rows, last insert id and RETURNING rows', () =>
      withTable(d, async ({ db, table }) => {
        const ins = await db.execute(`INSERT INTO ${table} (code) VALUES (?)`, ['a']);
        assert.equal(ins.affectedRows, 1);
        assert.equal(ins.lastInsertId, d.name === 'postgres' ? null : '1', 'PostgreSQL has an id only with RETURNING');
        const ret = await db.execute(`INSERT INTO ${table} (code) VALUES (?) RETURNING id, code`, ['b']);
        assert.deepEqual(ret, { affectedRows: 1, lastInsertId: '2', returnedRows: [{ id: d.big(2), code: 'b' }] });
        const upd = await db.execute(`UPDATE ${table} SET hits = ? WHERE code IN (?, ?)`, [7, 'a', 'b']);
        assert.deepEqual(upd, { affectedRows: 2, lastInsertId: null, returnedRows: [] });
        const del = await db.execute(`DELETE FROM ${table} WHERE code = ?`, ['zzz']);
        assert.equal(del.affectedRows, 0);
      }));

    test('parameters are bound, never interpolated ("?" inside literals stays text)', () =>
      withTable(d, async ({ db, table }) => {
        const evil = `x'); DROP TABLE ${table}; --`;
        await db.execute(`INSERT INTO ${table} (code, url) VALUES (?, '?')`, [evil]);
        const r = await db.query(`SELECT code, url, CAST(? AS INTEGER) AS n FROM ${table} /* ? */ WHERE code = ? -- ?`, [5, evil]);
        assert.deepEqual(r.rows, [{ code: evil, url: '?', n: d.castInt(5) }]);
      }));

    test('NULLs in and out; booleans and floats bind', () =>
      withTable(d, async ({ db, table }) => {
        await db.execute(`INSERT INTO ${table} (code, url, hits, score, flag) VALUES (?, ?, ?, ?, ?)`, ['n', null, null, 0.25, true]);
        const r = await db.query(`SELECT url, hits, score, flag FROM ${table} WHERE url IS NULL AND flag = ?`, [true]);
        assert.deepEqual(r.rows, [{ url: null, hits: null, score: 0.25, flag: d.bool(true) }]);
      }));

    test('blobs come back as base64, bound from bytes', () =>
      withTable(d, async ({ db, table }) => {
        await db.execute(`INSERT INTO ${table} (code, data) VALUES (?, ?)`, ['b', Buffer.from([1, 2, 3])]);
        const r = await db.query(`SELECT data, ${d.blobLiteral} AS lit FROM ${table}`);
        assert.deepEqual(r.rows, [{ data: 'AQID', lit: '3q2+7w==' }]);
      }));

    test('integers beyond 2^53 come back as exact strings', () =>
      withTable(d, async ({ db }) => {
        const r = await db.query(`SELECT CAST(? AS ${d.bigint}) AS big`, ['9007199254740993']);
        assert.deepEqual(r.rows, [{ big: '9007199254740993' }]);
      }));

    test('a statement that returns nothing gives empty rows from query', () =>
      withTable(d, async ({ db, table }) => {
        assert.deepEqual(await db.query(`UPDATE ${table} SET hits = 1`), { columns: [], rows: [] });
      }));

    test('a repeated statement sees schema changes (cached statements are refreshed)', () =>
      withTable(d, async ({ db, table }) => {
        await db.execute(`INSERT INTO ${table} (code) VALUES (?)`, ['a']);
        const sql = `SELECT * FROM ${table}`;
        const before = await db.query(sql);
        await db.execute(`ALTER TABLE ${table} ADD COLUMN extra TEXT`);
        const after = await db.query(sql);
        assert.deepEqual(
          after.columns.map((c) => c.name),
          [...before.columns.map((c) => c.name), 'extra'],
        );
        assert.equal(after.rows[0]?.extra, null);
      }));

    test('duplicate key → DRIVER_ERROR with inner code and kind constraint_violation', () =>
      withTable(d, async ({ db, table }) => {
        await db.execute(`INSERT INTO ${table} (id, code) VALUES (?, ?)`, [1, 'a']);
        const det = await rejectsWith(db.execute(`INSERT INTO ${table} (id, code) VALUES (?, ?)`, [1, 'b']), 'DRIVER_ERROR');
        assert.equal(det.driver, d.name);
        assert.equal(det.inner_code, d.duplicateCode);
        assert.equal(det.kind, 'constraint_violation');
        assert.match(String(det.message), /UNIQUE constraint failed|duplicate key|Duplicate entry/);
      }));

    test('syntax errors are DRIVER_ERROR without constraint kind', () =>
      withTable(d, async ({ db }) => {
        const det = await rejectsWith(db.query('SELEC 1'), 'DRIVER_ERROR');
        assert.equal(det.kind, undefined);
        assert.equal(det.driver, d.name);
      }));

    test('empty SQL → DRIVER_ERROR "empty SQL"; transaction control and wrong parameter counts → INVALID_PARAM', () =>
      withTable(d, async ({ db, table }) => {
        // The reference's shape for empty SQL (workers.md §3.2), checked before a connection is taken.
        const empty = await rejectsWith(db.query('  ; -- nothing'), 'DRIVER_ERROR');
        assert.equal(empty.message, 'empty SQL');
        assert.equal(empty.driver, d.name);
        assert.equal((await rejectsWith(db.transaction([{ sql: 'SELECT 1' }, { sql: ' ' }]), 'DRIVER_ERROR')).failed_index, 1);
        await rejectsWith(db.execute('BEGIN'), 'INVALID_PARAM');
        await rejectsWith(db.execute('/* sneaky */ commit'), 'INVALID_PARAM');
        await rejectsWith(db.query(`SELECT * FROM ${table} WHERE code = ? AND url = ?`, ['only-one']), 'INVALID_PARAM');
      }));

    test('transaction commits all statements and returns each result', () =>
      withTable(d, async ({ db, table }) => {
        const results = await db.transaction([
          { sql: `INSERT INTO ${table} (code) VALUES (?)`, params: ['a'] },
          { sql: `UPDATE ${table} SET hits = ? WHERE code = ?`, params: [2, 'a'] },
          { sql: `SELECT code, hits FROM ${table}` },
        ]);
        assert.equal(results.length, 3);
        assert.equal(results[1]?.affectedRows, 1);
        assert.deepEqual(results[2]?.returnedRows, [{ code: 'a', hits: 2 }]);
      }));

    test('transaction is atomic: a failure rolls everything back and names the statement', () =>
      withTable(d, async ({ db, table }) => {
        await db.execute(`INSERT INTO ${table} (code) VALUES (?)`, ['taken']);
        const det = await rejectsWith(
          db.transaction([
            { sql: `INSERT INTO ${table} (code) VALUES (?)`, params: ['new'] },
            { sql: `INSERT INTO ${table} (code) VALUES (?)`, params: ['taken'] },
          ]),
          'DRIVER_ERROR',
        );
        assert.equal(det.failed_index, 1);
        const r = await db.query(`SELECT code FROM ${table} ORDER BY code`);
        assert.deepEqual(r.rows, [{ code: 'taken' }]);
        await rejectsWith(db.transaction([{ sql: 'COMMIT' }]), 'INVALID_PARAM');
        // The connection is usable after the rollback.
        assert.equal((await db.execute(`INSERT INTO ${table} (code) VALUES (?)`, ['after'])).affectedRows, 1);
      }));

    test('concurrent use: many interleaved writes, reads and transactions', () =>
      withTable(d, async ({ db, table }) => {
        const writes = Array.from({ length: 40 }, (_, i) => db.execute(`INSERT INTO ${table} (code, hits) VALUES (?, ?)`, [`c${i}`, i]));
        const txs = Array.from({ length: 10 }, (_, i) =>
          db.transaction([
            { sql: `INSERT INTO ${table} (code) VALUES (?)`, params: [`tx${i}`] },
            { sql: `UPDATE ${table} SET hits = ? WHERE code = ?`, params: [i, `tx${i}`] },
          ]),
        );
        const reads = Array.from({ length: 20 }, () => db.query(`SELECT COUNT(*) AS n FROM ${table}`));
        await Promise.all([...writes, ...txs, ...reads]);
        const r = await db.query(`SELECT COUNT(*) AS n, SUM(hits) AS s FROM ${table}`);
        assert.equal(Number(r.rows[0]?.n), 50);
        assert.equal(Number(r.rows[0]?.s), (39 * 40) / 2 + (9 * 10) / 2);
      }));

    test('interactive transaction: own writes visible inside, rollback discards, commit publishes; connections returned', () =>
      withTable(d, async ({ db, table }) => {
        const tx = await db.begin();
        assert.equal(db.stats().transactions, 1);
        assert.equal((await tx.execute(`INSERT INTO ${table} (code) VALUES (?)`, ['rolled'])).affectedRows, 1);
        assert.deepEqual((await tx.query(`SELECT code FROM ${table}`)).rows, [{ code: 'rolled' }]);
        await rejectsWith(tx.execute('COMMIT'), 'INVALID_PARAM');
        await tx.rollback();
        await tx.rollback();
        const tx2 = await db.begin({ isolation: 'serializable' });
        await tx2.execute(`INSERT INTO ${table} (code) VALUES (?)`, ['kept']);
        await tx2.commit();
        assert.deepEqual((await db.query(`SELECT code FROM ${table}`)).rows, [{ code: 'kept' }]);
        assert.deepEqual(db.stats(), { inUse: 0, transactions: 0 });
      }));

    test('close is idempotent and later calls fail with a coded error', async () => {
      const dir = mkdtempSync(join(tmpdir(), `triad-sql-${d.name}-`));
      const db = open(d, dir);
      try {
        assert.deepEqual((await db.query('SELECT 1 AS one')).rows, [{ one: 1 }]);
        await db.close();
        await db.close();
        await assert.rejects(db.query('SELECT 1'), EngineError);
      } finally {
        rmSync(dir, { recursive: true, force: true });
      }
    });

    if (d.name === 'sqlite') {
      test('sqlite: the file and its parent directories are created on first use, in WAL mode', () =>
        withTable(d, async ({ db, dir }) => {
          assert.ok(existsSync(join(dir, 'nested/dir/test.db')));
          assert.deepEqual((await db.query('PRAGMA journal_mode')).rows, [{ journal_mode: 'wal' }]);
        }));
    }

    if (d.name === 'postgres') {
      test('postgres: workers.md §3.2 cell mapping for timestamps, decimals, JSON, dates, arrays; sqlx type names', () =>
        withTable(d, async ({ db }) => {
          const r = await db.query(
            `SELECT TIMESTAMPTZ '2026-01-02 03:04:05.678+02' AS tz, TIMESTAMP '2026-01-02 03:04:05.678' AS ts,
                    NUMERIC '1.50' AS dec, '{"a":[1,true]}'::jsonb AS j, DATE '2026-01-02' AS day,
                    ARRAY[1,2]::int4[] AS ints, ARRAY['x']::name[] AS names, true AS yes, 2.5::float4 AS f, $1::text AS q`,
            ['?'],
          );
          assert.deepEqual(r.rows, [
            {
              tz: '2026-01-02T01:04:05Z',
              // Zone-less timestamps read as UTC, as the reference reports them (workers.md §3.2).
              ts: '2026-01-02T03:04:05Z',
              dec: '1.50',
              j: { a: [1, true] },
              day: '2026-01-02',
              ints: [1, 2],
              // Array types pg-types has no parser for stay in PostgreSQL's text form.
              names: '{x}',
              yes: true,
              f: 2.5,
              q: '?',
            },
          ]);
          // JSON object / array parameters bind as JSON text, never as a PostgreSQL array.
          const json = await db.query('SELECT $1::jsonb AS obj, $2::text AS arr, $3::json AS arr2', [{ a: [1] }, [1, 'x'], [2]]);
          assert.deepEqual(json.rows, [{ obj: { a: [1] }, arr: '[1,"x"]', arr2: [2] }]);
          assert.deepEqual(
            r.columns.map((c) => c.type),
            ['TIMESTAMPTZ', 'TIMESTAMP', 'NUMERIC', 'JSONB', 'DATE', 'INT4[]', 'NAME[]', 'BOOL', 'FLOAT4', 'TEXT'],
          );
        }));
    }

    if (d.timeouts) {
      test('a statement over timeoutMs → QUERY_TIMEOUT, and the connection stays usable', () =>
        withTable(
          d,
          async ({ db }) => {
            const det = await rejectsWith(db.query(d.sleep(5), [], { timeoutMs: 50 }), 'QUERY_TIMEOUT');
            assert.deepEqual(det, { code: 'QUERY_TIMEOUT', db: 'main', timeout_ms: 50, message: det.message });
            assert.deepEqual((await db.query('SELECT 1 AS one')).rows, [{ one: 1 }]);
          },
          { max: 1 },
        ));

      test('no free connection within acquire_timeout_ms → POOL_TIMEOUT', async () => {
        const dir = mkdtempSync(join(tmpdir(), 'triad-sql-pool-'));
        const db = open(d, dir, { max: 1, acquire_timeout_ms: 200 });
        try {
          // Open the only connection first (on a loaded machine connecting alone may exceed 200 ms: retry).
          await waitFor(() => db.query('SELECT 1').then(() => true), { what: 'a first connection' });
          // It is then held server-side for 2 s; the second call gives up after 200 ms.
          const hold = db.query(d.sleep(2));
          const det = await rejectsWith(db.query('SELECT 1'), 'POOL_TIMEOUT');
          assert.equal(det.waited_ms, 200);
          await hold;
        } finally {
          await db.close();
          rmSync(dir, { recursive: true, force: true });
        }
      });
    }
  });
}
