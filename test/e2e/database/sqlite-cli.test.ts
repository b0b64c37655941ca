/**
 * SQLite threads under the `iii` CLI (`node packages/cli/bin/iii.js`, how `npm start` runs the engine:
 * tsx registered programmatically, which worker threads do not inherit), and acknowledged writes
 * surviving `kill -9`: a write is acknowledged only after its COMMIT returned on the SQLite thread.
 * (From the sources under `node --import tsx`, the other database e2e suites cover the same threads.)
 */
import assert from 'node:assert/strict';
import { rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { test } from 'node:test';
import Database from 'better-sqlite3';
import { tempDir } from '../../../packages/cli/test/run-cli.ts';
import { startServe } from '../../../packages/cli/test/serve-process.ts';
import { connectWorker } from '../../helpers/engine.ts';

const CONFIG = 'workers:\n  - name: iii-worker-manager\n    config:\n      host: 127.0.0.1\n      port: 0\n  - name: database\n';

test('iii CLI: SQLite runs on its threads; every acknowledged write survives kill -9', { timeout: 120_000 }, async () => {
  const dir = tempDir('triad-sqlite-cli-');
  writeFileSync(join(dir, 'config.yaml'), CONFIG);
  const serve = await startServe(dir);
  const w = connectWorker(serve);
  const call = (function_id: string, payload: unknown) => w.trigger({ function_id, payload });
  try {
    await call('database::execute', { db: 'primary', sql: 'CREATE TABLE acked (n INTEGER PRIMARY KEY)' });
    let acked = 0;
    for (let n = 1; n <= 40; n++) {
      await call('database::execute', { db: 'primary', sql: 'INSERT INTO acked (n) VALUES (?)', params: [n] });
      acked = n;
    }
    const batch = (await call('database::transaction', {
      db: 'primary',
      statements: [41, 42, 43].map((n) => ({ sql: 'INSERT INTO acked (n) VALUES (?)', params: [n] })),
    })) as { committed: boolean };
    assert.equal(batch.committed, true);
    acked += 3;
    // A read served by a reader thread, started under the CLI's loader too.
    const read = (await call('database::query', { db: 'primary', sql: 'SELECT COUNT(*) AS n FROM acked' })) as { rows: unknown[] };
    assert.deepEqual(read.rows, [{ n: acked }]);

    serve.child.kill('SIGKILL');
    await serve.exited;
    const db = new Database(join(dir, 'data/iii.db'), { readonly: true });
    try {
      assert.deepEqual(db.prepare('SELECT COUNT(*) AS n, MAX(n) AS top FROM acked').get(), { n: acked, top: acked });
    } finally {
      db.close();
    }
  } finally {
    await w.shutdown();
    if (serve.child.exitCode === null && serve.child.signalCode === null) serve.child.kill('SIGKILL');
    rmSync(dir, { recursive: true, force: true });
  }
});
