/** `iii worker list` against a running engine (in-process, port 0), found through .iii/engine.json. */
import assert from 'node:assert/strict';
import { mkdirSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { test } from 'node:test';
import { connectWorker, startTestEngine } from '../../../test/helpers/engine.ts';
import { uniqueName } from '../../../test/helpers/names.ts';
import { waitFor } from '../../../test/helpers/wait.ts';
import { iii, tempDir } from './run-cli.ts';

test('worker list: connected → running, supervisor states → installing / restarting / failed', async () => {
  const engine = await startTestEngine();
  const cwd = tempDir();
  const live = uniqueName('live');
  const worker = connectWorker(engine, live);
  try {
    const states = join(cwd, '.iii', 'state');
    mkdirSync(states, { recursive: true });
    writeFileSync(join(cwd, '.iii', 'engine.json'), JSON.stringify({ pid: process.pid, worker_url: engine.workerUrl }));
    const names = { failed: uniqueName('bad'), backoff: uniqueName('crashy'), installing: uniqueName('new') };
    const entries = [live, ...Object.values(names)].map((n) => `  - name: ${n}\n    worker_path: /nowhere/${n}\n`).join('');
    writeFileSync(join(cwd, 'config.yaml'), `workers:\n  - name: state\n${entries}`);
    for (const [state, name] of Object.entries(names)) writeFileSync(join(states, name), `${state}\n`);
    worker.registerFunction(`${live}::f`, async () => null);
    const r = await waitFor(
      async () => {
        const out = await iii(cwd, ['worker', 'list']);
        return new RegExp(`^${live} .* running$`, 'm').test(out.stderr) ? out : undefined;
      },
      { what: 'the live worker listed as running' },
    );
    assert.match(r.stderr, /^state +0\.22\.1 +- +running$/m);
    assert.match(r.stderr, new RegExp(`^${names.failed} .* failed$`, 'm'));
    assert.match(r.stderr, new RegExp(`^${names.backoff} .* restarting$`, 'm'));
    assert.match(r.stderr, new RegExp(`^${names.installing} .* installing$`, 'm'));
  } finally {
    await worker.shutdown();
    await engine.stop();
    rmSync(cwd, { recursive: true, force: true });
  }
});
