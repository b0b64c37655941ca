/**
 * The new-user path of issue 11 against a real `iii` process: a local worker whose `npm install` fails is
 * reported at once with npm's error line (not after the 120 s wait), `worker list` says `failed`, fixing
 * package.json brings it up; `iii worker stop|start|restart|status` act on it through the running engine;
 * a worker that crashes on start is `failed` with its error line; bad input is a coded error naming the
 * thing, with nothing written; progress is plain lines off a terminal and one live line on one.
 */
import assert from 'node:assert/strict';
import { readFileSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { test } from 'node:test';
import { waitFor } from '../../../test/helpers/wait.ts';
import { isAlive } from '../src/commands/serve/processes.ts';
import { iii, iiiProcess, tempDir } from './run-cli.ts';
import { initProject, save, startServe } from './serve-process.ts';

const REPO_NODE_MODULES = new URL('../../../node_modules', import.meta.url).pathname;

const CLEAR_LINE = '\r\x1b[2K';

test('worker verbs and the failed-install / crash-on-start findings, end to end', { timeout: 240_000 }, async () => {
  const root = tempDir('triad-cli-ctl-');
  let serve: Awaited<ReturnType<typeof startServe>> | undefined;
  const run = (args: string[]) => iiiProcess(join(root, 'demo'), args);
  try {
    const dir = await initProject(root, 'demo');
    const config = join(dir, 'config.yaml');
    assert.equal((await run(['worker', 'init', 'link', '-l', 'ts'])).code, 0);
    symlinkSync(REPO_NODE_MODULES, join(dir, 'link', 'node_modules'));
    const goodPackage = readFileSync(join(dir, 'link', 'package.json'), 'utf8');
    // A broken package.json: npm fails at once (offline), as with a version npm does not have.
    writeFileSync(join(dir, 'link', 'package.json'), goodPackage.replace('"private": true,', '"private": true,,'));

    // No engine yet: the verbs say so, with nothing written.
    const configBefore = readFileSync(config, 'utf8');
    assert.equal((await run(['worker', 'add', './link', '--no-wait'])).code, 0);
    const noEngine = await run(['worker', 'status', 'link']);
    assert.equal(noEngine.code, 1);
    assert.match(noEngine.stderr, /^error\[E_CLI_NOT_RUNNING\]: no `iii` is running this project/);
    assert.match(noEngine.stderr, /hint: start it with `iii`/);
    save(config, configBefore);

    serve = await startServe(dir);
    const added = await run(['worker', 'add', './link', '--wait-timeout-ms', '100000']);
    assert.equal(added.code, 1, added.stderr);
    assert.match(
      added.stderr,
      /^error\[E_CLI_WORKER_FAILED\]: link failed: install script `npm install` failed \(exit 1\): npm error JSON\.parse /m,
    );
    assert.match(added.stderr, /hint: fix the dependency .*iii installs again as soon as it or iii\.worker\.yaml changes/);
    // Off a terminal the progress is plain lines (no redraws).
    assert.ok(!added.stderr.includes('\r') && !added.stderr.includes('\x1b['), added.stderr);
    // (no version: its package.json does not parse)
    assert.match((await run(['worker', 'list'])).stderr, /^link +- +- +failed$/m);
    const failed = await run(['worker', 'status', 'link']);
    assert.equal(failed.code, 1);
    assert.match(failed.stdout, /^status +failed$/m);
    assert.match(failed.stdout, /^ +npm error JSON\.parse /m);
    assert.match(failed.stderr, /^error\[E_CLI_WORKER_NOT_READY\]: link failed: install script/);

    // Fixing package.json is enough: iii notices, starts it, and it connects.
    save(join(dir, 'link', 'package.json'), goodPackage);
    await waitFor(async () => (await run(['worker', 'status', 'link'])).code === 0, {
      timeoutMs: 90_000,
      intervalMs: 300,
      what: 'link running after the fix',
    });
    await waitFor(() => /✓ every local worker is connected \(1\): link/.test(serve?.output() ?? ''), { what: 'the all-up line' });
    assert.match((await run(['worker', 'list'])).stderr, /^link +0\.1\.0 +\d+ +running$/m);

    // stop → held; status is a failing probe; start brings it back and waits for it.
    const pid = Number(readFileSync(join(dir, '.iii', 'pids', 'link.pid'), 'utf8'));
    const stop = await run(['worker', 'stop', 'link']);
    assert.equal(stop.code, 0, stop.stderr);
    assert.equal(isAlive(pid), false);
    const stopped = await run(['worker', 'status', 'link']);
    assert.equal(stopped.code, 1);
    assert.match(stopped.stdout, /^status +stopped \(iii worker stop\)$/m);
    assert.match(stopped.stderr, /^error\[E_CLI_WORKER_NOT_READY\]: link is stopped/);
    const start = await run(['worker', 'start', 'link']);
    assert.equal(start.code, 0, start.stderr);
    assert.match(start.stderr, /^link: starting \(\d+ s\)/m);
    assert.match(start.stderr, /✓ link is running\n$/);

    // restart, in-process with stderr as a terminal: one live line, redrawn, then the result.
    const restart = await iii(dir, ['worker', 'restart', 'link'], { PATH: process.env.PATH }, { columns: 60 });
    assert.equal(restart.code, 0, restart.stderr);
    const frames = restart.stderr.split(CLEAR_LINE);
    assert.ok(frames.length > 2, restart.stderr);
    assert.ok(
      frames.some((f) => /^link: (starting|restarting) \(\d+ s\)/.test(f)),
      restart.stderr,
    );
    assert.equal(frames.at(-1), '✓ link is running\n');

    // --force restarts it even though the entry did not change.
    const before = Number(readFileSync(join(dir, '.iii', 'pids', 'link.pid'), 'utf8'));
    const forced = await run(['worker', 'add', '--force', './link']);
    assert.equal(forced.code, 0, forced.stderr);
    assert.notEqual(Number(readFileSync(join(dir, '.iii', 'pids', 'link.pid'), 'utf8')), before);

    // A worker that crashes on start: failed at once, with its error line.
    assert.equal((await run(['worker', 'init', 'crash', '-l', 'js'])).code, 0);
    save(
      join(dir, 'crash', 'iii.worker.yaml'),
      'name: crash\nscripts:\n  start: |\n    node -e "console.error(\'Error: boom on start\'); process.exit(3)"\n',
    );
    const crash = await run(['worker', 'add', './crash']);
    assert.equal(crash.code, 1);
    assert.match(
      crash.stderr,
      /^error\[E_CLI_WORKER_FAILED\]: crash failed: exited \(code 3\) before connecting to the engine: Error: boom on start$/m,
    );
    assert.match((await run(['worker', 'list'])).stderr, /^crash +0\.1\.0 +- +failed$/m);

    // Bad input: coded errors naming the thing, config.yaml untouched.
    const text = readFileSync(config, 'utf8');
    const unknown = await run(['worker', 'restart', 'nope']);
    assert.match(unknown.stderr, /^error\[E_CLI_UNKNOWN_WORKER\]: 'nope' is not in .*config\.yaml\n {2}hint: local workers: link, crash$/m);
    const builtin = await run(['worker', 'stop', 'queue']);
    assert.match(builtin.stderr, /^error\[E_CLI_NOT_SUPERVISED\]: 'queue' runs inside the engine/);
    assert.match((await run(['worker', 'start'])).stderr, /^error\[E_CLI_BAD_ARGS\]: missing worker name/);
    assert.match((await run(['worker', 'status', 'link', 'crash'])).stderr, /^error\[E_CLI_BAD_ARGS\]: one worker at a time/);
    assert.match((await run(['worker', 'stop', 'link', '--no-wait'])).stderr, /^error\[E_CLI_BAD_ARGS\]: unknown option `--no-wait`/);
    assert.equal(readFileSync(config, 'utf8'), text);
    assert.equal((await run(['worker', 'status', 'link'])).code, 0, 'link untouched by the refused commands');

    serve.child.kill('SIGTERM');
    assert.equal(await serve.exited, 0, serve.output());
    serve = undefined;
  } finally {
    if (serve) {
      serve.child.kill('SIGKILL');
      await serve.exited;
    }
    rmSync(root, { recursive: true, force: true });
  }
});
