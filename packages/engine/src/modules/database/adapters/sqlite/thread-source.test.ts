/**
 * Both ways a SQLite thread can start answer the same request: the esbuild bundle (the normal path) and
 * the tsx-loaded fallback entry (used where esbuild is missing).
 */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import type { ThreadReply } from './protocol.ts';
import { SqliteThread } from './thread-client.ts';
import { FALLBACK, loadThreadSource, type ThreadSource } from './thread-source.ts';

async function selectOne(source: ThreadSource): Promise<ThreadReply> {
  const thread = new SqliteThread({ db: 'm', file: ':memory:', busyTimeoutMs: 1000, reader: false }, source, () => {});
  try {
    return await thread.run({ op: 'query', sql: 'SELECT 1 AS one', params: [] });
  } finally {
    await thread.close();
  }
}

test('the bundled thread and the tsx fallback entry both run SQLite', async () => {
  const bundled = await loadThreadSource();
  assert.ok('eval' in bundled, 'esbuild is a dependency: the bundle is the normal path');
  for (const source of [bundled, FALLBACK]) {
    assert.deepEqual(await selectOne(source), { id: 1, ok: true, value: { columns: [{ name: 'one', type: '' }], rows: [{ one: 1 }] } });
  }
});
