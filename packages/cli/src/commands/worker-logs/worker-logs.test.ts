import assert from 'node:assert/strict';
import { mkdirSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { test } from 'node:test';
import { iii, tempDir } from '../../../test/run-cli.ts';

test('worker logs prints stderr.log then stdout.log; no logs is a coded error', async () => {
  const cwd = tempDir();
  try {
    writeFileSync(join(cwd, 'config.yaml'), 'workers: []\n');
    const missing = await iii(cwd, ['worker', 'logs', 'link']);
    assert.match(missing.stderr, /^error\[E_CLI_NO_LOGS\]: no logs for 'link'/);
    const dir = join(cwd, '.iii', 'logs', 'link');
    mkdirSync(dir, { recursive: true });
    writeFileSync(join(dir, 'stderr.log'), 'err line\n');
    writeFileSync(join(dir, 'stdout.log'), 'out line\n');
    const r = await iii(cwd, ['worker', 'logs', 'link']);
    assert.equal(r.code, 0);
    assert.equal(r.stdout, 'err line\nout line\n');
  } finally {
    rmSync(cwd, { recursive: true, force: true });
  }
});
