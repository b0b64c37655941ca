/**
 * The iii CLI as a user runs it (`node packages/cli/bin/iii.js` in temp folders) against the real
 * engine: project init, worker init + add (deps resolve through a symlinked node_modules: no
 * network), `iii`, `iii trigger`, a config.yaml edit applied live, a SIGKILLed worker restarted,
 * and SIGTERM leaving no process behind.
 */
import assert from 'node:assert/strict';
import { existsSync, readFileSync, rmSync, symlinkSync } from 'node:fs';
import { join } from 'node:path';
import { test } from 'node:test';
import { waitFor } from '../../../test/helpers/wait.ts';
import { descendants, groupMembers, isAlive } from '../src/commands/serve/processes.ts';
import { iiiProcess, tempDir } from './run-cli.ts';
import { initProject, save, startServe } from './serve-process.ts';

const REPO_NODE_MODULES = new URL('../../../node_modules', import.meta.url).pathname;

/** The worker's whole tree: its process group plus any descendant that left the group. */
function tree(pid: number): number[] {
  return [...new Set([pid, ...groupMembers(pid), ...descendants(pid)])];
}

async function ok(cwd: string, args: string[]): Promise<string> {
  const r = await iiiProcess(cwd, args);
  assert.equal(r.code, 0, `iii ${args.join(' ')}\n${r.stderr}`);
  return r.stdout;
}

/** Retry until the worker answers (it connects asynchronously after a (re)start). */
async function triggerUntil(cwd: string, args: string[], expected: string): Promise<void> {
  await waitFor(
    async () => {
      const r = await iiiProcess(cwd, ['trigger', ...args, '--timeout-ms', '5000']);
      return r.code === 0 && r.stdout === expected;
    },
    { timeoutMs: 60_000, intervalMs: 200, what: `iii trigger ${args.join(' ')}` },
  );
}

test('iii end to end: init, add, serve, trigger, live config edit, crash restart, clean stop', { timeout: 180_000 }, async () => {
  const root = tempDir('triad-cli-e2e-');
  let serve: Awaited<ReturnType<typeof startServe>> | undefined;
  try {
    const dir = await initProject(root, 'demo');
    const config = join(dir, 'config.yaml');
    await ok(dir, ['worker', 'add', 'state']);
    await ok(dir, ['worker', 'init', 'link', '--language', 'typescript']);
    symlinkSync(REPO_NODE_MODULES, join(dir, 'link', 'node_modules'));
    await ok(dir, ['worker', 'add', './link']);

    serve = await startServe(dir);
    const url = serve.workerUrl;
    await triggerUntil(dir, ['link::hey', 'name=bob', '--url', url], '{\n  "greeting": "hey bob"\n}\n');
    assert.equal(existsSync(join(dir, 'link', '.iii', 'prepared')), false, 'install skipped: deps resolve');

    // Built-in function, nested payload keys, nothing printed for null.
    await ok(dir, ['trigger', 'state::set', 'scope=s', 'key=k', 'value.a.b=1', '--url', url]);
    assert.equal(await ok(dir, ['trigger', 'state::get', 'scope=s', 'key=k', '--url', url]), '{\n  "a": {\n    "b": 1\n  }\n}\n');
    assert.equal(await ok(dir, ['trigger', 'state::get', 'scope=s', 'key=missing', '--url', url]), '');
    // Function help comes from engine::functions::info.
    const help = await ok(dir, ['trigger', 'state::set', '--help', '--url', url]);
    assert.match(help, /^iii trigger state::set\n/);
    assert.match(help, /^scope +string +yes/m);
    const unknownHelp = await iiiProcess(dir, ['trigger', 'nope::x', '--help', '--url', url]);
    assert.equal(unknownHelp.code, 1);
    assert.match(unknownHelp.stderr, /^error\[E_CLI_UNKNOWN_FUNCTION\]: function `nope::x` not found in engine registry/);
    const unknown = await iiiProcess(dir, ['trigger', 'nope::x', '--url', url]);
    assert.equal(unknown.code, 1);
    assert.match(unknown.stderr, /^error\[E_CLI_UNKNOWN_FUNCTION\]: /);

    // Crash: SIGKILL the worker; the supervisor kills its leftovers and starts a new one.
    const pidFile = join(dir, '.iii', 'pids', 'link.pid');
    const first = Number(readFileSync(pidFile, 'utf8'));
    const firstTree = tree(first);
    process.kill(first, 'SIGKILL');
    await waitFor(() => existsSync(pidFile) && Number(readFileSync(pidFile, 'utf8')) !== first, {
      timeoutMs: 30_000,
      what: 'link restarted',
    });
    await waitFor(() => firstTree.every((p) => !isAlive(p)), { timeoutMs: 30_000, what: 'old link tree gone' });
    await triggerUntil(dir, ['link::hey', 'name=again', '--url', url], '{\n  "greeting": "hey again"\n}\n');

    // Live config.yaml edit: a second local worker appears, then goes away.
    await ok(dir, ['worker', 'init', 'echo', '-l', 'js']);
    symlinkSync(REPO_NODE_MODULES, join(dir, 'echo', 'node_modules'));
    const before = readFileSync(config, 'utf8');
    save(config, `${before.trimEnd()}\n  - name: echo\n    worker_path: ${join(dir, 'echo')}\n`);
    await triggerUntil(dir, ['echo::hey', '--url', url], '{\n  "greeting": "hey there"\n}\n');
    const echoPid = Number(readFileSync(join(dir, '.iii', 'pids', 'echo.pid'), 'utf8'));
    const echoTree = tree(echoPid);
    await ok(dir, ['worker', 'remove', 'echo', '-y']);
    await waitFor(() => echoTree.every((p) => !isAlive(p)), { timeoutMs: 30_000, what: 'echo stopped after removal' });
    // `worker add` with a running engine waits until the worker has connected.
    const added = await iiiProcess(dir, ['worker', 'add', './echo']);
    assert.equal(added.code, 0, added.stderr);
    assert.match(added.stderr, /✓ echo is running/);
    await ok(dir, ['trigger', 'echo::hey', 'name=x', '--url', url]);
    assert.ok(readFileSync(join(dir, '.iii', 'logs', 'link', 'stdout.log'), 'utf8').includes('worker ready'));
    assert.match(await ok(dir, ['worker', 'logs', 'link']), /worker ready/);

    // worker list merges config.yaml with the engine's view (found through .iii/engine.json: port 0 here).
    const list = await iiiProcess(dir, ['worker', 'list']);
    assert.equal(list.code, 0, list.stderr);
    assert.match(list.stderr, new RegExp(`^link +0\\.1\\.0 +${readFileSync(pidFile, 'utf8').trim()} +running$`, 'm'));
    assert.match(list.stderr, /^state +0\.22\.1 +- +running$/m);

    // SIGTERM: everything stops, exit 0, no process left.
    const last = Number(readFileSync(pidFile, 'utf8'));
    const lastTree = tree(last);
    assert.ok(lastTree.length > 1, 'worker runs as a process tree');
    serve.child.kill('SIGTERM');
    assert.equal(await serve.exited, 0, serve.output());
    serve = undefined;
    assert.deepEqual(lastTree.filter(isAlive), []);
    assert.equal(existsSync(join(dir, '.iii', 'engine.json')), false);
  } finally {
    if (serve) {
      serve.child.kill('SIGKILL');
      await serve.exited;
    }
    rmSync(root, { recursive: true, force: true });
  }
});
