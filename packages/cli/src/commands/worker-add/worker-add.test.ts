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
    assert.deepEqual(lock, { version: 1, workers: { http: { dependencies: {}, type: 'engine', version: '0.22.1' } } });
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

test('a local folder appends name + absolute worker_path; a duplicate needs --force', async () => {
  const cwd = await project();
  try {
    assert.equal((await iii(cwd, ['worker', 'init', 'link', '-l', 'ts'])).code, 0);
    const r = await iii(cwd, ['worker', 'add', './link']);
    assert.equal(r.code, 0, r.stderr);
    assert.deepEqual(entries(cwd).at(-1), { name: 'link', worker_path: join(cwd, 'link') });
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
