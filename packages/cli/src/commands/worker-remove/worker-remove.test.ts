import assert from 'node:assert/strict';
import { readFileSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { test } from 'node:test';
import { parse } from 'yaml';
import { iii, tempDir } from '../../../test/run-cli.ts';

test('worker remove -y drops the entry and its lock entry; without -y it refuses off a terminal', async () => {
  const cwd = tempDir();
  try {
    await iii(cwd, ['project', 'init', '-d', '.']);
    await iii(cwd, ['worker', 'add', 'http', 'state']);
    const refused = await iii(cwd, ['worker', 'remove', 'http']);
    assert.equal(refused.code, 1);
    assert.match(refused.stderr, /remove is destructive; pass -y\/--yes/);
    const r = await iii(cwd, ['worker', 'remove', 'http', '-y']);
    assert.equal(r.code, 0, r.stderr);
    const names = (parse(readFileSync(join(cwd, 'config.yaml'), 'utf8')) as { workers: { name: string }[] }).workers.map((w) => w.name);
    assert.deepEqual(names, ['iii-observability', 'queue', 'state']);
    assert.deepEqual(Object.keys(parse(readFileSync(join(cwd, 'iii.lock'), 'utf8')).workers), ['iii-observability', 'queue', 'state']);
    const configBefore = readFileSync(join(cwd, 'config.yaml'), 'utf8');
    const missing = await iii(cwd, ['worker', 'remove', 'http', '-y']);
    assert.equal(readFileSync(join(cwd, 'config.yaml'), 'utf8'), configBefore, 'nothing written');
    assert.match(missing.stderr, /^error\[E_CLI_UNKNOWN_WORKER\]: not in config\.yaml: http/);
  } finally {
    rmSync(cwd, { recursive: true, force: true });
  }
});
