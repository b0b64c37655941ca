import assert from 'node:assert/strict';
import { test } from 'node:test';
import { iii, iiiProcess, tempDir } from '../test/run-cli.ts';

test('--version prints the 0.22.1-compatible line (as a real process too)', async () => {
  assert.equal((await iii(tempDir(), ['--version'])).stdout, 'iii 0.22.1 (triad 0.1.0)\n');
  const r = await iiiProcess(tempDir(), ['-v']);
  assert.equal(r.code, 0);
  assert.equal(r.stdout, 'iii 0.22.1 (triad 0.1.0)\n');
});

test('--help lists every command; help <cmd> and <cmd> --help agree', async () => {
  const top = await iii(tempDir(), ['--help']);
  assert.equal(top.code, 0);
  for (const cmd of ['trigger', 'project init', 'worker init', 'worker add', 'worker list', 'worker remove', 'worker logs'])
    assert.match(top.stdout, new RegExp(`^ {2}${cmd} `, 'm'));
  const a = await iii(tempDir(), ['help', 'worker', 'add']);
  const b = await iii(tempDir(), ['worker', 'add', '--help']);
  assert.equal(a.code, 0);
  assert.equal(a.stdout, b.stdout);
  assert.match(a.stdout, /^Usage: iii worker add /m);
  const group = await iii(tempDir(), ['worker']);
  assert.equal(group.code, 0);
  assert.match(group.stdout, /^Usage: iii worker <command>/);
});

test('unknown commands and options are coded errors', async () => {
  const cwd = tempDir();
  assert.match((await iii(cwd, ['frobnicate'])).stderr, /^error\[E_CLI_BAD_ARGS\]: unknown command `frobnicate`/);
  assert.match((await iii(cwd, ['worker', 'frob'])).stderr, /^error\[E_CLI_BAD_ARGS\]: unknown command `iii worker frob`/);
  assert.match((await iii(cwd, ['worker', 'list', '--bogus'])).stderr, /^error\[E_CLI_BAD_ARGS\]: unknown option `--bogus`/);
  const r = await iii(cwd, ['--log-level', 'loud']);
  assert.equal(r.code, 1);
  assert.match(r.stderr, /^error\[E_CLI_BAD_ARGS\]: --log-level must be one of/);
});

test('-c is global: before or after the command words, with a coded error when the path is missing', async () => {
  const cwd = tempDir();
  const other = tempDir();
  await iii(other, ['project', 'init', '-d', '.']);
  const before = await iii(cwd, ['-c', `${other}/config.yaml`, 'worker', 'add', 'state']);
  assert.equal(before.code, 0, before.stderr);
  const after = await iii(cwd, ['worker', 'add', 'http', '--config', `${other}/config.yaml`]);
  assert.equal(after.code, 0, after.stderr);
  const list = await iii(cwd, ['worker', 'list', `--config=${other}/config.yaml`]);
  assert.match(list.stderr, /^state /m);
  assert.match(list.stderr, /^http /m);
  assert.match((await iii(cwd, ['worker', 'list', '-c'])).stderr, /^error\[E_CLI_BAD_ARGS\]: -c needs a path/);
});
