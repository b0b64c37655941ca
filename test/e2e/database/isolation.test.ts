/**
 * `database::transaction {isolation}` end to end on each driver (workers.md §3.2): the level asked for is the
 * level the server ran the transaction at, and a level a driver cannot honour is INVALID_PARAM (returned in
 * the reference's not-committed shape, nothing run).
 */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { connectWorker, startTestEngine } from '../../helpers/engine.ts';
import { uniqueName } from '../../helpers/names.ts';
import { e2eDialects } from './dialects.ts';

/** SQL, run inside the transaction after touching `table`, whose single cell is the running isolation level. */
const LEVEL_SQL: Record<string, (table: string) => string> = {
  postgres: () => "SELECT current_setting('transaction_isolation')",
  // MariaDB reports the running transaction's level in INNODB_TRX once the transaction has read an InnoDB table.
  // That view is a cache refreshed only when its last read is over 100 ms old (trx0i_s.cc), hence the server-side
  // SLEEP: a correctness condition of the view, not a wait for an event.
  mysql: () =>
    'SELECT trx_isolation_level FROM information_schema.INNODB_TRX WHERE trx_mysql_thread_id = CONNECTION_ID() AND SLEEP(0.15) = 0',
  // SQLite transactions are serializable unless read_uncommitted is on (shared cache only): it must stay 0.
  sqlite: () => 'PRAGMA read_uncommitted',
};

const EXPECTED: Record<string, Record<string, string | number>> = {
  postgres: { read_committed: 'read committed', repeatable_read: 'repeatable read', serializable: 'serializable' },
  mysql: {
    read_committed: 'READ COMMITTED',
    repeatable_read: 'REPEATABLE READ',
    serializable: 'SERIALIZABLE',
    read_uncommitted: 'READ UNCOMMITTED',
  },
  sqlite: { read_committed: 0, repeatable_read: 0, serializable: 0 },
};

for (const d of await e2eDialects()) {
  test(`${d.name}: transaction isolation is applied per transaction; unsupported levels are INVALID_PARAM`, { skip: d.skip }, async () => {
    const engine = await startTestEngine({ workers: [{ name: 'database', config: { databases: { primary: { url: d.url } } } }] });
    const w = connectWorker(engine);
    const call = (payload: unknown) => w.trigger({ function_id: 'database::transaction', payload }) as Promise<Record<string, unknown>>;
    const table = uniqueName('iso').replace('-', '_');
    try {
      await w.trigger({ function_id: 'database::execute', payload: { sql: `CREATE TABLE ${table} (id INT PRIMARY KEY)` } });
      const levelSql = LEVEL_SQL[d.name]?.(table) as string;
      for (const [isolation, expected] of Object.entries(EXPECTED[d.name] ?? {})) {
        const r = await call({ isolation, statements: [{ sql: `SELECT COUNT(*) FROM ${table}` }, { sql: levelSql }] });
        assert.equal(r.committed, true, JSON.stringify(r));
        const rows = (r.results as { rows: unknown[][] }[])[1]?.rows;
        assert.deepEqual(rows, [[expected]], `${isolation} on ${d.name}`);
      }
      // The pooled session keeps the server default afterwards (SET TRANSACTION is per transaction).
      const plain = await call({ statements: [{ sql: `SELECT COUNT(*) FROM ${table}` }, { sql: levelSql }] });
      const def = { postgres: 'read committed', mysql: 'REPEATABLE READ', sqlite: 0 }[d.name];
      assert.deepEqual((plain.results as { rows: unknown[][] }[])[1]?.rows, [[def]]);

      const bad = d.name === 'mysql' ? 'snapshot' : 'read_uncommitted';
      const refused = await call({ isolation: bad, statements: [{ sql: `INSERT INTO ${table} (id) VALUES (1)` }] });
      assert.equal(refused.committed, false);
      assert.equal(refused.failed_index, undefined, 'not a statement failure');
      const error = refused.error as { code: string; reason: string };
      assert.equal(error.code, 'INVALID_PARAM');
      assert.match(error.reason, new RegExp(`^isolation "${bad}" is (unknown|not supported by ${d.name}); ${d.name} accepts `));
      const count = (await w.trigger({ function_id: 'database::query', payload: { sql: `SELECT COUNT(*) AS n FROM ${table}` } })) as {
        rows: { n: unknown }[];
      };
      assert.equal(Number(count.rows[0]?.n), 0, 'nothing ran');
    } finally {
      await w.trigger({ function_id: 'database::execute', payload: { sql: `DROP TABLE IF EXISTS ${table}` } }).catch(() => {});
      await w.shutdown();
      await engine.stop();
    }
  });
}
