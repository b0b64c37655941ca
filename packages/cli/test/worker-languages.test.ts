/**
 * Python and Rust workers scaffolded by `iii worker init` are supervised like any other: `iii` runs
 * their install scripts in their folders (a virtualenv for Python, `cargo build` for Rust) and reports
 * what happened. PyPI and crates.io cannot be reached from this machine, so there the installs fail and
 * the test checks that the failure is reported with the package manager's own error line; with a network
 * they would get past the install, and the test then only requires that they did not fail installing.
 */
import assert from 'node:assert/strict';
import { existsSync, readFileSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { test } from 'node:test';
import { waitFor } from '../../../test/helpers/wait.ts';
import { iiiProcess, tempDir } from './run-cli.ts';
import { initProject, startServe } from './serve-process.ts';

test('iii runs the install scripts of python and rust workers and reports their outcome', { timeout: 240_000 }, async () => {
  const root = tempDir('triad-cli-lang-');
  let serve: Awaited<ReturnType<typeof startServe>> | undefined;
  try {
    const dir = await initProject(root, 'demo');
    const run = (args: string[]) => iiiProcess(dir, args);
    assert.equal((await run(['worker', 'init', 'py-worker', '-l', 'python'])).code, 0);
    assert.equal((await run(['worker', 'init', 'rs-worker', '-l', 'rust'])).code, 0);
    assert.equal((await run(['worker', 'add', './py-worker', './rs-worker'])).code, 0);
    // Workers inherit iii's environment: no retries, so an unreachable index fails in seconds.
    serve = await startServe(dir, [], { PIP_RETRIES: '0', PIP_TIMEOUT: '5', CARGO_NET_RETRY: '0' });
    for (const name of ['py-worker', 'rs-worker']) {
      const status = await waitFor(
        async () => {
          const r = await run(['worker', 'status', name]);
          const state = /^status +(\S+)/m.exec(r.stdout)?.[1];
          return state === undefined || state === 'installing' ? undefined : r;
        },
        { timeoutMs: 200_000, intervalMs: 500, what: `${name} past its install` },
      );
      const logs = readFileSync(join(dir, '.iii', 'logs', name, 'stderr.log'), 'utf8');
      const script = name === 'py-worker' ? 'python3 -m venv .venv && .venv/bin/pip install -e .' : 'cargo build --release';
      assert.ok(logs.includes(`running install (first start): ${script}`), logs);
      if (/^status +failed$/m.test(status.stdout)) {
        assert.match(status.stdout, /^error +install script `.*` failed \(exit \d+\)$/m);
        assert.match(status.stdout, /^ +(ERROR|error)(: |\[)/m, 'the package manager’s error line');
      }
    }
    // The install ran in the worker folder: the virtualenv is there.
    assert.ok(existsSync(join(dir, 'py-worker', '.venv', 'bin', 'python')));
  } finally {
    if (serve) {
      serve.child.kill('SIGTERM');
      await serve.exited;
    }
    rmSync(root, { recursive: true, force: true });
  }
});
