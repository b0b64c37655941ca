/**
 * Handle lifetimes against a real SQLite driver (its writer thread): a transaction whose worker leaves
 * while its BEGIN still waits for the writer is rolled back the moment it gets it (never held by nobody),
 * and reconfigure/stop roll open transactions back.
 */
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'node:test';
import { EngineError } from '../../core/errors/index.ts';
import { createDriver } from './adapters/index.ts';
import { DEFAULT_HANDLES, DEFAULT_POOL } from './config.ts';
import { Handles } from './handles.ts';

test('a worker gone while its BEGIN waits for the SQLite writer: rolled back on arrival; the writer is free again', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'triad-handles-'));
  const driver = createDriver({ name: 'main', url: 'sqlite:h.db', pool: { ...DEFAULT_POOL, acquire_timeout_ms: 60_000 }, baseDir: dir });
  const committed: string[] = [];
  const handles = new Handles(
    () => DEFAULT_HANDLES,
    (db) => committed.push(db),
  );
  try {
    await driver.execute('CREATE TABLE t (v TEXT)');
    const a = await handles.begin('main', driver, 'worker-a', {});
    const pending = handles.begin('main', driver, 'worker-b', {});
    await handles.dropOwner('worker-b');
    await handles.run(a.id, 'worker-a', async (tx, e) => {
      const result = await tx.execute("INSERT INTO t VALUES ('a')");
      handles.recordWrite(e, { sql: "INSERT INTO t VALUES ('a')", result });
    });
    assert.equal(driver.stats().transactions, 1, 'b still waits for the writer');
    await handles.commit(a.id, 'worker-a');
    await assert.rejects(pending, (e: unknown) => e instanceof EngineError && e.code === 'TRANSACTION_NOT_FOUND');
    assert.deepEqual(driver.stats(), { inUse: 0, transactions: 0 });
    assert.deepEqual(committed, ['main'], 'the commit was announced once (database::row-changed)');
    // Stop: open transactions roll back.
    const c = await handles.begin('main', driver, 'worker-c', {});
    await handles.run(c.id, 'worker-c', (tx) => tx.execute("INSERT INTO t VALUES ('c')"));
    await handles.close();
    assert.deepEqual(driver.stats(), { inUse: 0, transactions: 0 });
    assert.deepEqual((await driver.query('SELECT v FROM t')).rows, [{ v: 'a' }]);
  } finally {
    await driver.close();
    rmSync(dir, { recursive: true, force: true });
  }
});
