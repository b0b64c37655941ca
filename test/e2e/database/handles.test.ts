/**
 * Interactive transactions and prepared statements end to end on every driver (workers.md §3.2), with real
 * iii-sdk workers: two workers' concurrent transactions, a worker killed mid-transaction (rolled back, its
 * connection back in the pool), handles refused after commit and to other workers, the idle timeout; and on
 * SQLite, what other writers see while a transaction holds the single writer.
 */
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { test } from 'node:test';
import { connectWorker, startTestEngine, type TestEngine } from '../../helpers/engine.ts';
import { uniqueName } from '../../helpers/names.ts';
import { waitFor } from '../../helpers/wait.ts';
import { type Call, caller, rejectsWith, track } from './calls.ts';
import { type E2eDialect, e2eDialects } from './dialects.ts';

interface Ctx {
  engine: TestEngine;
  w1: Call;
  w2: Call;
  table: string;
  stats(): { inUse: number; transactions: number };
  rows(): Promise<unknown[]>;
}

async function withDb(
  d: E2eDialect,
  pool: Record<string, number>,
  handles: Record<string, number>,
  fn: (c: Ctx) => Promise<void>,
): Promise<void> {
  const engine = await startTestEngine({
    workers: [
      {
        name: 'database',
        config: { databases: { primary: { url: d.url, pool: { max: 10, idle_timeout_ms: 30_000, ...pool } } }, handles },
      },
    ],
  });
  const a = connectWorker(engine, uniqueName('w1'));
  const b = connectWorker(engine, uniqueName('w2'));
  const table = uniqueName('h').replace('-', '_');
  const w1 = caller(a);
  const driver = () => {
    const sql = engine.api.services.get('sql');
    if (!sql) throw new Error('no sql service');
    return sql.get('primary');
  };
  try {
    await w1('database::execute', {
      db: 'primary',
      sql: `CREATE TABLE ${table} (k ${d.keyDdl === 'TEXT' ? 'VARCHAR(64)' : d.keyDdl} PRIMARY KEY, v TEXT)`,
    });
    const rows = async () =>
      ((await w1('database::query', { db: 'primary', sql: `SELECT k FROM ${table} ORDER BY k` })) as { rows: { k: string }[] }).rows.map(
        (r) => r.k,
      );
    await fn({ engine, w1, w2: caller(b), table, stats: () => driver().stats(), rows });
  } finally {
    await w1('database::execute', { db: 'primary', sql: `DROP TABLE IF EXISTS ${table}` }).catch(() => {});
    await a.shutdown();
    await b.shutdown();
    await engine.stop();
  }
}

/** A statement far slower than 50 ms on each server (SQLite: ten million recursive rows). */
const SLOW: Record<E2eDialect['name'], string> = {
  sqlite: 'WITH RECURSIVE c(x) AS (SELECT 1 UNION ALL SELECT x + 1 FROM c WHERE x < 10000000) SELECT COUNT(*) FROM c',
  postgres: 'SELECT pg_sleep(5)',
  mysql: 'SELECT SLEEP(5)',
};

const begin = async (call: Call): Promise<string> =>
  ((await call('database::beginTransaction', { db: 'primary' })) as { transaction: { id: string; expires_at: string } }).transaction.id;
const insert = (call: Call, id: string, table: string, k: string) =>
  call('database::transactionExecute', { transaction_id: id, sql: `INSERT INTO ${table} (k, v) VALUES (?, ?)`, params: [k, 'v'] });

for (const d of await e2eDialects()) {
  test(
    `${d.name}: two workers' transactions, commit and rollback; stale and foreign handles refused; connections returned`,
    { skip: d.skip },
    () =>
      withDb(d, { acquire_timeout_ms: 60_000 }, {}, async ({ w1, w2, table, stats, rows }) => {
        const t1 = await begin(w1);
        assert.deepEqual(await insert(w1, t1, table, 'a'), {
          affected_rows: 1,
          last_insert_id: d.name === 'postgres' ? null : d.name === 'mysql' ? null : '1',
          returned_rows: [],
        });
        // Another worker cannot use t1, even knowing its id.
        assert.equal(
          (await rejectsWith(w2('database::transactionQuery', { transaction_id: t1, sql: 'SELECT 1' }), 'TRANSACTION_NOT_FOUND')).reason,
          'owned by another worker',
        );
        if (d.name === 'sqlite') {
          // SQLite has one writer: the second BEGIN waits in the writer's queue until the first transaction ends.
          const second = track(begin(w2));
          assert.deepEqual(await w1('database::transactionQuery', { transaction_id: t1, sql: `SELECT k FROM ${table}` }), {
            columns: [{ name: 'k', type: 'VARCHAR(64)' }],
            row_count: 1,
            rows: [{ k: 'a' }],
          });
          assert.equal(second.done(), false, 'the second transaction waits for the writer');
          assert.deepEqual(await w1('database::commitTransaction', { transaction_id: t1 }), { committed: true });
          const t2 = await second.p;
          await insert(w2, t2, table, 'b');
          assert.deepEqual(await w2('database::commitTransaction', { transaction_id: t2 }), { committed: true });
        } else {
          // Two connections: both transactions run at once; each sees only its own uncommitted row.
          const t2 = await begin(w2);
          await insert(w2, t2, table, 'b');
          const seen = (await w2('database::transactionQuery', { transaction_id: t2, sql: `SELECT k FROM ${table} ORDER BY k` })) as {
            rows: unknown[];
          };
          assert.deepEqual(seen.rows, [{ k: 'b' }]);
          assert.equal(stats().transactions, 2);
          assert.deepEqual(await w1('database::commitTransaction', { transaction_id: t1 }), { committed: true });
          assert.deepEqual(await w2('database::commitTransaction', { transaction_id: t2 }), { committed: true });
        }
        assert.deepEqual(await rows(), ['a', 'b']);
        // After commit the id is gone.
        await rejectsWith(w1('database::transactionQuery', { transaction_id: t1, sql: 'SELECT 1' }), 'TRANSACTION_NOT_FOUND');
        await rejectsWith(w1('database::commitTransaction', { transaction_id: t1 }), 'TRANSACTION_NOT_FOUND');
        // Rollback discards; transaction control inside a handle is refused.
        const t3 = await begin(w1);
        await insert(w1, t3, table, 'c');
        await rejectsWith(w1('database::transactionExecute', { transaction_id: t3, sql: 'COMMIT' }), 'INVALID_PARAM');
        assert.deepEqual(await w1('database::rollbackTransaction', { transaction_id: t3 }), { rolled_back: true });
        await rejectsWith(w1('database::rollbackTransaction', { transaction_id: t3 }), 'TRANSACTION_NOT_FOUND');
        assert.deepEqual(await rows(), ['a', 'b']);
        // Statements: owned, reusable, refused to others and when unknown.
        const prepared = (await w1('database::prepareStatement', { db: 'primary', sql: `SELECT k FROM ${table} WHERE k = ?` })) as {
          handle: { id: string; expires_at: string };
        };
        assert.ok(Date.parse(prepared.handle.expires_at) > Date.now());
        for (const k of ['a', 'b']) {
          const r = (await w1('database::runStatement', { handle_id: prepared.handle.id, params: [k] })) as {
            rows: unknown[];
            row_count: number;
          };
          assert.deepEqual(r.rows, [{ k }]);
        }
        assert.equal(
          (await rejectsWith(w2('database::runStatement', { handle_id: prepared.handle.id, params: ['a'] }), 'STATEMENT_NOT_FOUND')).reason,
          'owned by another worker',
        );
        await rejectsWith(w1('database::runStatement', { handle_id: 'nope', params: [] }), 'STATEMENT_NOT_FOUND');
        await rejectsWith(w1('database::prepareStatement', { db: 'primary', sql: ' ' }), 'DRIVER_ERROR');
        assert.deepEqual(stats(), { inUse: 0, transactions: 0 }, 'every connection is back in the pool');
      }),
  );

  test(`${d.name}: a worker killed mid-transaction: rolled back, its connection returned`, { skip: d.skip }, () =>
    withDb(d, { acquire_timeout_ms: 60_000 }, {}, async ({ engine, w1, table, stats, rows }) => {
      const fixture = new URL('./fixtures/tx-worker.ts', import.meta.url).pathname;
      const child = spawn(process.execPath, ['--conditions=triad-source', '--import', 'tsx', fixture, engine.workerUrl, table], {
        stdio: ['ignore', 'pipe', 'inherit'],
      });
      try {
        let out = '';
        child.stdout.on('data', (b: Buffer) => (out += b.toString()));
        await waitFor(() => out.includes('READY'), { timeoutMs: 60_000, what: 'the victim to write in its transaction' });
        assert.equal(stats().transactions, 1);
        child.kill('SIGKILL');
        await waitFor(() => stats().transactions === 0 && stats().inUse === 0, {
          timeoutMs: 30_000,
          what: 'the transaction to be rolled back',
        });
        assert.deepEqual(await rows(), [], 'the killed worker’s write was rolled back');
        // The connection (on SQLite: the writer) serves others again.
        await w1('database::execute', { db: 'primary', sql: `INSERT INTO ${table} (k, v) VALUES ('after', 'v')` });
        assert.deepEqual(await rows(), ['after']);
      } finally {
        if (child.exitCode === null && child.signalCode === null) child.kill('SIGKILL');
      }
    }),
  );

  test(`${d.name}: QUERY_TIMEOUT inside a transaction rolls it back and releases its connection`, { skip: d.skip }, () =>
    withDb(d, { acquire_timeout_ms: 60_000 }, {}, async ({ w1, table, stats, rows }) => {
      const t = await begin(w1);
      await insert(w1, t, table, 'lost');
      const det = await rejectsWith(
        w1('database::transactionQuery', { transaction_id: t, sql: SLOW[d.name], timeout_ms: 50 }),
        'QUERY_TIMEOUT',
      );
      assert.equal(det.timeout_ms, 50);
      await waitFor(() => stats().transactions === 0 && stats().inUse === 0, { timeoutMs: 30_000, what: 'the rollback' });
      await rejectsWith(w1('database::commitTransaction', { transaction_id: t }), 'TRANSACTION_NOT_FOUND');
      assert.deepEqual(await rows(), []);
      await w1('database::execute', { db: 'primary', sql: `INSERT INTO ${table} (k, v) VALUES ('after', 'v')` });
      assert.deepEqual(await rows(), ['after']);
    }),
  );

  test(`${d.name}: an idle transaction is rolled back after transaction_idle_timeout_ms`, { skip: d.skip }, () =>
    withDb(d, { acquire_timeout_ms: 60_000 }, { transaction_idle_timeout_ms: 300 }, async ({ w1, table, stats, rows }) => {
      const t = await begin(w1);
      await insert(w1, t, table, 'idle');
      // Watch the pool, not the handle: a call on the handle would keep it alive.
      await waitFor(() => stats().transactions === 0 && stats().inUse === 0, { timeoutMs: 30_000, what: 'the idle rollback' });
      await rejectsWith(w1('database::transactionQuery', { transaction_id: t, sql: 'SELECT 1' }), 'TRANSACTION_NOT_FOUND');
      assert.deepEqual(await rows(), []);
    }),
  );
}

const sqlite = (await e2eDialects()).find((d) => d.name === 'sqlite') as E2eDialect;
test('sqlite: while a transaction holds the writer, other writes queue and fail POOL_TIMEOUT after acquire_timeout_ms; reads go on', () =>
  withDb(sqlite, { acquire_timeout_ms: 300 }, {}, async ({ w1, w2, table, rows }) => {
    const t = await begin(w1);
    await insert(w1, t, table, 'held');
    const det = await rejectsWith(
      w2('database::execute', { db: 'primary', sql: `INSERT INTO ${table} (k, v) VALUES ('other', 'v')` }),
      'POOL_TIMEOUT',
    );
    assert.equal(det.waited_ms, 300);
    assert.match(String(det.message), /interactive transaction holds the SQLite writer/);
    // Reads run on reader threads and see the last committed state.
    assert.deepEqual(await rows(), []);
    assert.deepEqual(await w1('database::commitTransaction', { transaction_id: t }), { committed: true });
    await w2('database::execute', { db: 'primary', sql: `INSERT INTO ${table} (k, v) VALUES ('other', 'v')` });
    assert.deepEqual(await rows(), ['held', 'other']);
  }));
