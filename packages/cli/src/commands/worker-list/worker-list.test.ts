import assert from 'node:assert/strict';
import { rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { test } from 'node:test';
import { iii, tempDir } from '../../../test/run-cli.ts';

test('worker list shows config entries (engine down → stopped) or the empty hint', async () => {
  const cwd = tempDir();
  try {
    // Port 1 is never an engine: the list must not hang on it.
    writeFileSync(join(cwd, 'config.yaml'), 'workers: []\n');
    assert.match((await iii(cwd, ['worker', 'list'])).stderr, /No workers\. Use `iii worker add` to get started\./);
    writeFileSync(join(cwd, 'config.yaml'), 'workers:\n  - name: iii-worker-manager\n    config: { port: 1 }\n  - name: state\n');
    const r = await iii(cwd, ['worker', 'list']);
    assert.equal(r.code, 0, r.stderr);
    assert.match(r.stderr, /^NAME +VERSION +PID +STATUS\n/);
    assert.match(r.stderr, /^state +0\.22\.1 +- +stopped$/m);
  } finally {
    rmSync(cwd, { recursive: true, force: true });
  }
});
