import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { appendFileSync, mkdirSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { test } from 'node:test';
import { waitFor } from '../../../../../test/helpers/wait.ts';
import { BIN, iii, tempDir } from '../../../test/run-cli.ts';

test('worker logs prints stderr.log then stdout.log; no logs is a coded error', async () => {
  const cwd = tempDir();
  try {
    writeFileSync(join(cwd, 'config.yaml'), 'workers: []\n');
    const missing = await iii(cwd, ['worker', 'logs', 'link']);
    assert.match(missing.stderr, /^error\[E_CLI_NO_LOGS\]: no logs for 'link'/);
    const dir = join(cwd, '.iii', 'logs', 'link');
    mkdirSync(dir, { recursive: true });
    writeFileSync(join(dir, 'stderr.log'), 'err line\n');
    writeFileSync(join(dir, 'stdout.log'), 'out line\n');
    const r = await iii(cwd, ['worker', 'logs', 'link']);
    assert.equal(r.code, 0);
    assert.equal(r.stdout, 'err line\nout line\n');
  } finally {
    rmSync(cwd, { recursive: true, force: true });
  }
});

test('worker logs -f follows new lines until SIGTERM', async () => {
  const cwd = tempDir();
  const dir = join(cwd, '.iii', 'logs', 'link');
  mkdirSync(dir, { recursive: true });
  writeFileSync(join(cwd, 'config.yaml'), 'workers: []\n');
  writeFileSync(join(dir, 'stdout.log'), 'first\n');
  const child = spawn(process.execPath, [BIN, 'worker', 'logs', 'link', '-f'], { cwd, stdio: ['ignore', 'pipe', 'pipe'] });
  let out = '';
  child.stdout.on('data', (d: Buffer) => {
    out += d.toString();
  });
  const exited = new Promise<number | null>((r) => child.once('exit', (code) => r(code)));
  try {
    await waitFor(() => out.includes('first\n'), { timeoutMs: 30_000, what: 'existing lines' });
    appendFileSync(join(dir, 'stdout.log'), 'second\n');
    await waitFor(() => out.includes('second\n'), { timeoutMs: 30_000, what: 'followed line' });
    child.kill('SIGTERM');
    assert.equal(await exited, 0);
  } finally {
    child.kill('SIGKILL');
    rmSync(cwd, { recursive: true, force: true });
  }
});
