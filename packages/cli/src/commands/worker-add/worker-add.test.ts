import assert from 'node:assert/strict';
import { readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { test } from 'node:test';
import { parse } from 'yaml';
import { iii, tempDir } from '../../../test/run-cli.ts';

async function project(): Promise<string> {
  const cwd = tempDir();
  const r = await iii(cwd, ['project', 'init', '-d', '.']);
  assert.equal(r.code, 0, r.stderr);
  return cwd;
}

const entries = (cwd: string): Record<string, unknown>[] =>
  (parse(readFileSync(join(cwd, 'config.yaml'), 'utf8')) as { workers: Record<string, unknown>[] }).workers;

test('built-ins are added from the engine: bare entry + iii.lock type engine; re-adding keeps the entry', async () => {
  const cwd = await project();
  try {
    const r = await iii(cwd, ['worker', 'add', 'http']);
    assert.equal(r.code, 0, r.stderr);
    assert.match(r.stderr, /http v0\.22\.1 \(engine, built-in — nothing to download\)\n✓ Worker http added to config\.yaml/);
    assert.deepEqual(entries(cwd).at(-1), { name: 'http' });
    const lock = parse(readFileSync(join(cwd, 'iii.lock'), 'utf8'));
    const engineEntry = { dependencies: {}, type: 'engine', version: '0.22.1' };
    // Every worker of config.yaml, the template's own included.
    assert.deepEqual(lock, { version: 1, workers: { http: engineEntry, 'iii-observability': engineEntry, queue: engineEntry } });
    assert.equal((await iii(cwd, ['worker', 'add', 'http'])).code, 0);
    assert.equal(entries(cwd).filter((e) => e.name === 'http').length, 1);
  } finally {
    rmSync(cwd, { recursive: true, force: true });
  }
});

test('mandatory workers print the notice; deprecated names warn; unknown names fail', async () => {
  const cwd = await project();
  try {
    const before = readFileSync(join(cwd, 'config.yaml'), 'utf8');
    const m = await iii(cwd, ['worker', 'add', 'iii-worker-manager']);
    assert.equal(m.code, 0);
    assert.match(m.stderr, /'iii-worker-manager' is a mandatory engine worker/);
    assert.equal(readFileSync(join(cwd, 'config.yaml'), 'utf8'), before);
    const d = await iii(cwd, ['worker', 'add', 'iii-state']);
    assert.match(d.stderr, /warning: Worker name 'iii-state' is deprecated\. Use `iii worker add state` instead\./);
    const u = await iii(cwd, ['worker', 'add', 'left-pad']);
    assert.equal(u.code, 1);
    assert.match(u.stderr, /^error\[E_CLI_UNKNOWN_WORKER\]: 'left-pad' is not a worker built into Triad/);
  } finally {
    rmSync(cwd, { recursive: true, force: true });
  }
});

test('a local folder appends name + worker_path as typed (relative to the project); a duplicate needs --force', async () => {
  const cwd = await project();
  try {
    assert.equal((await iii(cwd, ['worker', 'init', 'link', '-l', 'ts'])).code, 0);
    const r = await iii(cwd, ['worker', 'add', './link']);
    assert.equal(r.code, 0, r.stderr);
    assert.deepEqual(entries(cwd).at(-1), { name: 'link', worker_path: './link' });
    const dup = await iii(cwd, ['worker', 'add', './link']);
    assert.equal(dup.code, 1);
    assert.match(dup.stderr, /^error\[E_CLI_WORKER_EXISTS\]: Worker 'link' is already in config\.yaml\./);
    writeFileSync(join(cwd, 'link', '.iii', 'prepared'), 'x');
    assert.equal((await iii(cwd, ['worker', 'add', '--force', './link'])).code, 0);
    assert.equal(entries(cwd).filter((e) => e.name === 'link').length, 1);
    const bad = await iii(cwd, ['worker', 'add', './nowhere']);
    assert.match(bad.stderr, /^error\[E_CLI_BAD_ARGS\]: .*nowhere is not a directory/);
  } finally {
    rmSync(cwd, { recursive: true, force: true });
  }
});

test('-c points at another config (and no config is a coded error)', async () => {
  const cwd = await project();
  const elsewhere = tempDir();
  try {
    const r = await iii(elsewhere, ['-c', join(cwd, 'config.yaml'), 'worker', 'add', 'state']);
    assert.equal(r.code, 0, r.stderr);
    assert.deepEqual(entries(cwd).at(-1), { name: 'state' });
    const none = await iii(elsewhere, ['worker', 'add', 'state']);
    assert.match(none.stderr, /^error\[E_CLI_NO_CONFIG\]: no config file at /);
  } finally {
    rmSync(cwd, { recursive: true, force: true });
    rmSync(elsewhere, { recursive: true, force: true });
  }
});

test('worker_path stays relative to the project when added from elsewhere; absolute stays absolute', async () => {
  const cwd = await project();
  try {
    assert.equal((await iii(cwd, ['worker', 'init', 'w', '-d', 'workers/w', '-l', 'js'])).code, 0);
    const sub = join(cwd, 'workers');
    const r = await iii(sub, ['-c', join(cwd, 'config.yaml'), 'worker', 'add', './w']);
    assert.equal(r.code, 0, r.stderr);
    assert.deepEqual(entries(cwd).at(-1), { name: 'w', worker_path: './workers/w' });
    assert.equal((await iii(cwd, ['worker', 'init', 'abs', '-l', 'js'])).code, 0);
    assert.equal((await iii(cwd, ['worker', 'add', join(cwd, 'abs')])).code, 0);
    assert.deepEqual(entries(cwd).at(-1), { name: 'abs', worker_path: join(cwd, 'abs') });
  } finally {
    rmSync(cwd, { recursive: true, force: true });
  }
});

test('iii.lock lists every worker of config.yaml with versions, hand-written entries included', async () => {
  const cwd = await project();
  try {
    assert.equal((await iii(cwd, ['worker', 'init', 'link', '-l', 'ts'])).code, 0);
    // A hand-written built-in and an image entry, then a local worker added by the CLI.
    const config = join(cwd, 'config.yaml');
    writeFileSync(config, `${readFileSync(config, 'utf8')}  - name: cron\n  - name: img\n    image: ghcr.io/acme/img:1.4\n`);
    assert.equal((await iii(cwd, ['worker', 'add', 'http', './link'])).code, 0);
    const lock = parse(readFileSync(join(cwd, 'iii.lock'), 'utf8'));
    const engineEntry = { dependencies: {}, type: 'engine', version: '0.22.1' };
    assert.deepEqual(lock.workers, {
      cron: engineEntry,
      http: engineEntry,
      'iii-observability': engineEntry,
      img: { dependencies: {}, source: { image: 'ghcr.io/acme/img:1.4', kind: 'image' }, type: 'image', version: '1.4' },
      link: { dependencies: {}, type: 'local', version: '0.1.0', worker_path: './link' },
      queue: engineEntry,
    });
    assert.deepEqual(Object.keys(lock.workers), ['cron', 'http', 'iii-observability', 'img', 'link', 'queue'], 'sorted');
    assert.equal((await iii(cwd, ['worker', 'remove', 'link', 'img', '-y'])).code, 0);
    assert.deepEqual(Object.keys(parse(readFileSync(join(cwd, 'iii.lock'), 'utf8')).workers), [
      'cron',
      'http',
      'iii-observability',
      'queue',
    ]);
  } finally {
    rmSync(cwd, { recursive: true, force: true });
  }
});
