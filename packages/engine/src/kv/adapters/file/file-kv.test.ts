/** File adapter specifics beyond the shared conformance suite: compaction keeps data and shrinks the log. */
import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'node:test';
import { FileKv } from './file-kv.ts';

const lines = (dir: string): number => readFileSync(join(dir, 'kv.log'), 'utf8').split('\n').filter(Boolean).length;

test('compaction rewrites the log to one record per live key, concurrent writes included', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'triad-filekv-'));
  const kv = await FileKv.open({ dir });
  try {
    for (let round = 0; round < 20; round++) await Promise.all(Array.from({ length: 50 }, (_, k) => kv.set('s', `k${k}`, { round })));
    await kv.delete('s', 'k0');
    assert.equal(lines(dir), 20 * 50 + 1);
    // Writes racing the compaction are either in the snapshot or appended after it.
    const racing = Array.from({ length: 10 }, (_, i) => kv.set('t', `r${i}`, i));
    await Promise.all([kv.compactNow(), ...racing, kv.set('t', 'after', true)]);
    assert.ok(lines(dir) <= 49 + 11, `log has ${lines(dir)} lines after compaction`);
  } finally {
    await kv.close();
  }
  const again = await FileKv.open({ dir });
  try {
    assert.equal((await again.keys('s')).length, 49);
    assert.deepEqual(await again.get('s', 'k49'), { round: 19 });
    assert.deepEqual(await again.keys('t'), [...Array.from({ length: 10 }, (_, i) => `r${i}`), 'after']);
  } finally {
    await again.close();
    rmSync(dir, { recursive: true, force: true });
  }
});
