/** Real child processes (sh, sleep), no engine: supervision, install-once, logs, group kill. */
import assert from 'node:assert/strict';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'node:test';
import { waitFor } from '../../../../../test/helpers/wait.ts';
import { memoryIO } from '../../output/io.ts';
import { projectPaths } from '../../project/paths.ts';
import type { LocalWorker } from './local-worker.ts';
import { groupMembers, isAlive } from './processes.ts';
import { planReconcile, Supervisor } from './supervisor.ts';

const FAST = { initialMs: 20, maxMs: 100, resetAfterMs: 60_000 };

function project(): { dir: string; worker(name: string, manifest: string): string } {
  const dir = mkdtempSync(join(tmpdir(), 'triad-cli-sup-'));
  writeFileSync(join(dir, 'config.yaml'), 'workers: []\n');
  return {
    dir,
    worker(name, manifest) {
      const w = join(dir, name);
      mkdirSync(w);
      writeFileSync(join(w, 'iii.worker.yaml'), manifest);
      return w;
    },
  };
}

function setup(graceMs = 2_000, secret?: string, unixUrl?: string) {
  const p = project();
  const io = memoryIO();
  const workers: LocalWorker[] = [];
  const sup = new Supervisor({
    paths: projectPaths(join(p.dir, 'config.yaml')),
    engineUrl: 'ws://127.0.0.1:1',
    io,
    env: { PATH: process.env.PATH ?? '' },
    graceMs,
    ...(secret !== undefined ? { secret } : {}),
    ...(unixUrl !== undefined ? { unixUrl } : {}),
    backoff: FAST,
    onWorker: (w) => workers.push(w),
  });
  return { p, io, sup, workers };
}

const LONG = 'sleep 1000 & wait';

test('with the engine secret, a worker gets it in III_URL and III_ENGINE_SECRET, and its logs mask it', async () => {
  const { p, io, sup } = setup(2_000, 'top/secret+1');
  const path = p.worker('ws', `name: ws\nscripts:\n  start: echo "url=$III_URL s=$III_ENGINE_SECRET"; ${LONG}\n`);
  try {
    await sup.reconcile([{ name: 'ws', worker_path: path }]);
    await waitFor(() => io.stdout.includes('[ws] url='), { what: 'stdout line' });
    assert.match(io.stdout, /\[ws\] url=ws:\/\/127\.0\.0\.1:1\/secret\/\*\*\* s=\*\*\*\n/);
    assert.doesNotMatch(readFileSync(join(p.dir, '.iii', 'logs', 'ws', 'stdout.log'), 'utf8'), /secret\+1|secret%2B1/);
  } finally {
    await sup.stopAll();
    rmSync(p.dir, { recursive: true, force: true });
  }
});

test('with the engine socket, Node iii-sdk workers get it as III_URL (secret in its path), others keep TCP', async () => {
  const { p, io, sup } = setup(2_000, 'top/secret+2', 'ws+unix:///tmp/x.sock:/');
  const start = `scripts:\n  start: echo "url=$III_URL eng=$III_ENGINE_URL"; ${LONG}\n`;
  const node = p.worker('node', `name: node\n${start}`);
  writeFileSync(join(node, 'package.json'), JSON.stringify({ name: 'node', dependencies: { 'iii-sdk': '0.22.1' } }));
  const other = p.worker('other', `name: other\n${start}`);
  writeFileSync(join(other, 'package.json'), JSON.stringify({ name: 'other', dependencies: { ws: '8' } }));
  const py = p.worker('py', `name: py\n${start}`);
  writeFileSync(join(py, 'pyproject.toml'), '[project]\nname = "py"\ndependencies = ["iii-sdk"]\n');
  try {
    await sup.reconcile([
      { name: 'node', worker_path: node },
      { name: 'other', worker_path: other },
      { name: 'py', worker_path: py },
    ]);
    await waitFor(() => ['node', 'other', 'py'].every((n) => io.stdout.includes(`[${n}] url=`)), { what: 'three url lines' });
    assert.match(io.stdout, /\[node\] url=ws\+unix:\/\/\/tmp\/x\.sock:\/secret\/\*\*\* eng=ws\+unix:\/\/\/tmp\/x\.sock:\/secret\/\*\*\*\n/);
    assert.match(io.stdout, /\[other\] url=ws:\/\/127\.0\.0\.1:1\/secret\/\*\*\* /);
    assert.match(io.stdout, /\[py\] url=ws:\/\/127\.0\.0\.1:1\/secret\/\*\*\* /);
  } finally {
    await sup.stopAll();
    rmSync(p.dir, { recursive: true, force: true });
  }
});

test('a local worker starts with the engine env, output prefixed on the console and logged to files', async () => {
  const { p, io, sup } = setup();
  const path = p.worker(
    'w1',
    `name: w1\nenv:\n  EXTRA: "yes"\nscripts:\n  start: echo "url=$III_URL eng=$III_ENGINE_URL name=$III_WORKER_NAME extra=$EXTRA svc=$OTEL_SERVICE_NAME"; echo oops >&2; ${LONG}\n`,
  );
  const named = p.worker('w1b', `name: w1b\nenv:\n  OTEL_SERVICE_NAME: shop\nscripts:\n  start: echo "svc=$OTEL_SERVICE_NAME"; ${LONG}\n`);
  try {
    await sup.reconcile([
      { name: 'w1', worker_path: path },
      { name: 'w1b', worker_path: named },
    ]);
    await waitFor(() => io.stderr.includes('[w1] oops'), { what: 'stderr line' });
    // OTEL_SERVICE_NAME defaults to the worker's name (the SDK's traces and logs say which worker), the manifest wins.
    await waitFor(() => io.stdout.includes('[w1] url=ws://127.0.0.1:1 eng=ws://127.0.0.1:1 name=w1 extra=yes svc=w1'), {
      what: 'stdout line',
    });
    await waitFor(() => io.stdout.includes('[w1b] svc=shop'), { what: 'the manifest names the service' });
    const logs = join(p.dir, '.iii', 'logs', 'w1');
    assert.match(readFileSync(join(logs, 'stdout.log'), 'utf8'), /^url=ws:\/\/127\.0\.0\.1:1 /);
    assert.match(readFileSync(join(logs, 'stderr.log'), 'utf8'), /oops/);
    const pid = Number(readFileSync(join(p.dir, '.iii', 'pids', 'w1.pid'), 'utf8'));
    assert.equal(pid, sup.worker('w1')?.pid);
  } finally {
    await sup.stopAll();
    rmSync(p.dir, { recursive: true, force: true });
  }
});

test('install runs once (marker written on success) and is skipped next time', async () => {
  const { p, io, sup } = setup();
  const path = p.worker('w2', `name: w2\nscripts:\n  install: echo installing; echo x >> installs.txt\n  start: ${LONG}\n`);
  try {
    await sup.reconcile([{ name: 'w2', worker_path: path }]);
    await waitFor(() => sup.worker('w2')?.state === 'running', { what: 'running' });
    assert.ok(existsSync(join(path, '.iii', 'prepared')));
    assert.match(io.stdout, /\[w2\] installing/);
    await sup.reconcile([{ name: 'w2', worker_path: path, config: { changed: true } }]);
    await waitFor(() => sup.worker('w2')?.state === 'running', { what: 'running again' });
    assert.equal(readFileSync(join(path, 'installs.txt'), 'utf8'), 'x\n');
  } finally {
    await sup.stopAll();
    rmSync(p.dir, { recursive: true, force: true });
  }
});

test('a failing install marks the worker failed and writes no marker', async () => {
  const { p, sup } = setup();
  const path = p.worker('w3', 'name: w3\nscripts:\n  install: exit 3\n  start: sleep 1000\n');
  try {
    await sup.reconcile([{ name: 'w3', worker_path: path }]);
    await waitFor(() => sup.worker('w3')?.state === 'failed', { what: 'failed state' });
    assert.equal(existsSync(join(path, '.iii', 'prepared')), false);
    assert.match(readFileSync(join(p.dir, '.iii', 'logs', 'w3', 'stderr.log'), 'utf8'), /install script `exit 3` failed \(exit 3\)/);
  } finally {
    await sup.stopAll();
    rmSync(p.dir, { recursive: true, force: true });
  }
});

test('a SIGKILLed worker is restarted, and what it left behind is killed', async () => {
  const { p, sup } = setup();
  const path = p.worker('w4', `name: w4\nscripts:\n  start: ${LONG}\n`);
  try {
    await sup.reconcile([{ name: 'w4', worker_path: path }]);
    const w = sup.worker('w4');
    const first = await waitFor(() => w?.pid);
    // It had connected (the engine's connections say so): a crash now is restarted with backoff.
    sup.setConnected(['w4']);
    const members = await waitFor(() => (groupMembers(first).length === 2 ? groupMembers(first) : undefined), { what: 'sh + sleep' });
    process.kill(first, 'SIGKILL');
    const second = await waitFor(() => (w?.pid !== first && w?.state === 'running' ? w.pid : undefined), { what: 'restart' });
    assert.notEqual(second, first);
    await waitFor(() => members.every((pid) => !isAlive(pid)), { what: 'old group gone' });
  } finally {
    await sup.stopAll();
    rmSync(p.dir, { recursive: true, force: true });
  }
});

test('a worker that exits before connecting is failed with its error line, not restarted', async () => {
  const { p, sup } = setup();
  const path = p.worker(
    'early',
    `name: early\nscripts:\n  start: |\n    echo starting; echo "Error: Cannot find module './nope'" >&2; exit 3\n`,
  );
  try {
    await sup.reconcile([{ name: 'early', worker_path: path }]);
    const w = sup.worker('early');
    await waitFor(() => w?.state === 'failed', { what: 'failed' });
    assert.deepEqual(w?.failure, {
      phase: 'start',
      message: 'exited (code 3) before connecting to the engine',
      line: "Error: Cannot find module './nope'",
    });
    assert.equal(w?.restarts, 0);
    const [status] = sup.status('early');
    assert.equal(status?.status, 'failed');
    assert.equal(readFileSync(join(p.dir, '.iii', 'state', 'early'), 'utf8'), 'failed\n');
  } finally {
    await sup.stopAll();
    rmSync(p.dir, { recursive: true, force: true });
  }
});

test('a failed install reports npm’s error line; fixing package.json installs again and starts it', async () => {
  const { p, sup } = setup();
  const path = p.worker('pkg', `name: pkg\nscripts:\n  install: npm install --no-audit --no-fund --offline\n  start: ${LONG}\n`);
  writeFileSync(join(path, 'package.json'), '{"name": "pkg", "version": "0.1.0",}\n');
  try {
    await sup.reconcile([{ name: 'pkg', worker_path: path }]);
    const w = sup.worker('pkg');
    await waitFor(() => w?.state === 'failed', { timeoutMs: 60_000, what: 'install failed' });
    assert.equal(w?.failure?.phase, 'install');
    assert.match(w?.failure?.message ?? '', /^install script `npm install .*` failed \(exit 1\)$/);
    assert.match(w?.failure?.line ?? '', /^npm error JSON\.parse /);
    writeFileSync(join(path, 'package.json'), '{"name": "pkg", "version": "0.1.0", "private": true}\n');
    // The edit alone brings it back (nothing left to install: no dependencies).
    await waitFor(() => w?.state === 'running', { timeoutMs: 60_000, what: 'started again after the fix' });
    assert.equal(w?.failure, undefined);
  } finally {
    await sup.stopAll();
    rmSync(p.dir, { recursive: true, force: true });
  }
});

test('stop holds a worker, start and restart bring it back; unknown names are coded errors; all-up is said once', async () => {
  const { p, io, sup } = setup();
  const a = p.worker('a', `name: a\nscripts:\n  start: ${LONG}\n`);
  const b = p.worker('b', `name: b\nscripts:\n  start: ${LONG}\n`);
  try {
    await sup.reconcile([
      { name: 'a', worker_path: a },
      { name: 'b', worker_path: b },
    ]);
    await waitFor(() => sup.worker('a')?.state === 'running' && sup.worker('b')?.state === 'running', { what: 'both running' });
    assert.equal(sup.status('a')[0]?.status, 'starting', 'running but not connected yet');
    sup.setConnected(['a']);
    assert.doesNotMatch(io.stderr, /every local worker is connected/);
    sup.setConnected(['a', 'b']);
    sup.setConnected(['a', 'b']);
    assert.equal(io.stderr.match(/✓ every local worker is connected \(2\): a, b/g)?.length, 1);
    assert.equal(sup.status('a')[0]?.status, 'running');

    const pid = sup.worker('a')?.pid as number;
    const stopped = await sup.stopWorker('a');
    assert.equal(stopped.status, 'stopped');
    assert.equal(stopped.held, true);
    assert.equal(isAlive(pid), false);
    // A held worker is not started again by anything but start/restart.
    await sup.reconcile([
      { name: 'a', worker_path: a },
      { name: 'b', worker_path: b },
    ]);
    assert.equal(sup.worker('a')?.state, 'stopped');
    assert.equal((await sup.startWorker('a')).held, false);
    await waitFor(() => sup.worker('a')?.state === 'running', { what: 'started again' });
    const before = sup.worker('b')?.pid;
    await sup.restartWorker('b');
    await waitFor(() => sup.worker('b')?.state === 'running' && sup.worker('b')?.pid !== before, { what: 'restarted' });

    assert.throws(() => sup.status('nope'), {
      code: 'E_CLI_UNKNOWN_WORKER',
      message: /'nope' is not a local worker of this project \(local workers: a, b\)/,
    });
    await assert.rejects(sup.stopWorker('nope'), { code: 'E_CLI_UNKNOWN_WORKER' });
  } finally {
    await sup.stopAll();
    rmSync(p.dir, { recursive: true, force: true });
  }
});

test('stop sends SIGTERM to the group and SIGKILL after the grace period; nothing survives', async () => {
  const { p, sup } = setup(300);
  const stubborn = p.worker('w5', `name: w5\nscripts:\n  start: trap '' TERM; sh -c "trap '' TERM; sleep 1000" & wait\n`);
  const polite = p.worker('w6', `name: w6\nscripts:\n  start: ${LONG}\n`);
  try {
    await sup.reconcile([
      { name: 'w5', worker_path: stubborn },
      { name: 'w6', worker_path: polite },
    ]);
    const pids = await waitFor(
      () => {
        const all = sup.names.map((n) => sup.worker(n)?.pid).filter((x): x is number => x !== undefined);
        const members = all.flatMap((g) => groupMembers(g));
        return members.length >= 5 ? members : undefined;
      },
      { what: 'both groups up' },
    );
    await sup.stopAll();
    assert.deepEqual(pids.filter(isAlive), []);
    assert.equal(existsSync(join(p.dir, '.iii', 'pids', 'w5.pid')), false);
  } finally {
    await sup.stopAll();
    rmSync(p.dir, { recursive: true, force: true });
  }
});

test('relative worker paths resolve against the project folder, not the cwd', async () => {
  const { p, io, sup } = setup();
  p.worker('rel', `name: rel\nscripts:\n  start: echo "at $(pwd) cfg=$III_CONFIG_PATH"; ${LONG}\n`);
  try {
    await sup.reconcile([{ name: 'rel', worker_path: './rel' }]);
    await waitFor(() => io.stdout.includes(`[rel] at ${join(p.dir, 'rel')} cfg=${join(p.dir, 'config.yaml')}`), {
      what: 'worker started in its folder',
    });
  } finally {
    await sup.stopAll();
    rmSync(p.dir, { recursive: true, force: true });
  }
});

test('planReconcile diffs by name, path and config', () => {
  const cur = new Map([
    ['a', { name: 'a', worker_path: '/a' }],
    ['b', { name: 'b', worker_path: '/b', config: { x: 1 } }],
    ['c', { name: 'c', worker_path: '/c' }],
  ]);
  const plan = planReconcile(cur, [
    { name: 'a', worker_path: '/a' },
    { name: 'b', worker_path: '/b', config: { x: 2 } },
    { name: 'd', worker_path: '/d' },
  ]);
  assert.deepEqual(plan, {
    added: [{ name: 'd', worker_path: '/d' }],
    removed: ['c'],
    changed: [{ name: 'b', worker_path: '/b', config: { x: 2 } }],
  });
});
