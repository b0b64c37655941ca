/**
 * `iii` signal handling as a real process: a second SIGTERM while a worker ignores the first one
 * ends `iii` at once (exit 130) and still leaves no worker process behind (the exit hook SIGKILLs).
 */
import assert from 'node:assert/strict';
import { mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { test } from 'node:test';
import { waitFor } from '../../../test/helpers/wait.ts';
import { groupMembers, isAlive } from '../src/commands/serve/processes.ts';
import { tempDir } from './run-cli.ts';
import { startServe } from './serve-process.ts';

test('a second SIGTERM stops iii immediately and SIGKILLs workers that ignored the first', { timeout: 120_000 }, async () => {
  const dir = tempDir('triad-cli-sig-');
  const worker = join(dir, 'stubborn');
  mkdirSync(worker);
  // Ignores SIGTERM: only SIGKILL ends it.
  writeFileSync(
    join(worker, 'iii.worker.yaml'),
    `name: stubborn\nscripts:\n  start: trap '' TERM; echo up; sh -c "trap '' TERM; sleep 1000" & wait\n`,
  );
  writeFileSync(
    join(dir, 'config.yaml'),
    `workers:\n  - name: iii-worker-manager\n    config:\n      host: 127.0.0.1\n      port: 0\n  - name: stubborn\n    worker_path: ./stubborn\n`,
  );
  const serve = await startServe(dir);
  try {
    await waitFor(() => serve.output().includes('[stubborn] up'), { timeoutMs: 30_000, what: 'worker output' });
    const pgid = Number(readFileSync(join(dir, '.iii', 'pids', 'stubborn.pid'), 'utf8'));
    const members = await waitFor(() => (groupMembers(pgid).length >= 3 ? groupMembers(pgid) : undefined), { what: 'worker tree' });
    serve.child.kill('SIGTERM');
    await waitFor(() => serve.output().includes('Stopping…'), { what: 'first signal seen' });
    serve.child.kill('SIGTERM');
    assert.equal(await serve.exited, 130);
    await waitFor(() => members.every((p) => !isAlive(p)), { timeoutMs: 10_000, what: 'worker tree killed' });
  } finally {
    serve.child.kill('SIGKILL');
    await serve.exited;
    rmSync(dir, { recursive: true, force: true });
  }
});
