/**
 * `iii --log-format json` (and $III_LOG_FORMAT=json) as a user runs it: every line the process writes
 * (engine logs, the ready line, supervisor notes, a local worker's output) is one JSON object
 * `{time, level, scope, msg, ...fields}`; a bad format is a coded error.
 */
import assert from 'node:assert/strict';
import { mkdirSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { test } from 'node:test';
import { waitFor } from '../../../test/helpers/wait.ts';
import { iii, iiiProcess, spawnIii, tempDir } from './run-cli.ts';

interface LogLine {
  time: string;
  level: string;
  scope: string;
  msg: string;
  [field: string]: unknown;
}

/** Every complete line must parse as a log record; the assertion names the offending line. */
function records(text: string): LogLine[] {
  return text
    .split('\n')
    .filter((l) => l !== '')
    .map((line) => {
      let rec: LogLine;
      try {
        rec = JSON.parse(line) as LogLine;
      } catch {
        assert.fail(`not a JSON line: ${line}`);
      }
      for (const k of ['time', 'level', 'scope', 'msg']) assert.equal(typeof rec[k], 'string', `${k} in ${line}`);
      return rec;
    });
}

async function serveJson(args: string[], env: NodeJS.ProcessEnv): Promise<void> {
  const dir = tempDir('triad-cli-logjson-');
  const worker = join(dir, 'echoer');
  mkdirSync(worker);
  writeFileSync(join(worker, 'iii.worker.yaml'), 'name: echoer\nscripts:\n  start: echo "hello from echoer"; sleep 1000 & wait\n');
  writeFileSync(
    join(dir, 'config.yaml'),
    `workers:\n  - name: iii-worker-manager\n    config:\n      host: 127.0.0.1\n      port: 0\n  - name: echoer\n    worker_path: ${worker}\n`,
  );
  const { child, stdout, stderr, closed } = spawnIii(dir, ['--log-level', 'debug', ...args], { ...process.env, ...env });
  try {
    await waitFor(() => stderr().includes('"msg":"iii engine running"') && stdout().includes('hello from echoer'), {
      timeoutMs: 60_000,
      what: "the ready line and the worker's output",
    });
    child.kill('SIGTERM');
    assert.equal(await closed, 0);
    const err = records(stderr());
    const out = records(stdout());
    const ready = err.find((r) => r.msg === 'iii engine running');
    assert.ok(ready && ready.scope === 'iii' && ready.level === 'info');
    assert.match(String(ready.worker), /^ws:\/\/127\.0\.0\.1:\d+$/);
    assert.ok(
      err.some((r) => r.scope.startsWith('iii') && r.level === 'debug'),
      'engine debug lines',
    );
    assert.ok(err.some((r) => r.msg === `+ local worker echoer (${worker})`));
    assert.ok(err.some((r) => r.msg === 'Stopping…'));
    const hello = out.find((r) => r.msg === 'hello from echoer');
    assert.deepEqual(hello && { level: hello.level, scope: hello.scope, stream: hello.stream }, {
      level: 'info',
      scope: 'worker:echoer',
      stream: 'stdout',
    });
  } finally {
    if (child.exitCode === null) child.kill('SIGKILL');
    await closed;
    rmSync(dir, { recursive: true, force: true });
  }
}

test('iii --log-format json: every line on stdout and stderr is a JSON log record', { timeout: 120_000 }, async () => {
  await serveJson(['--log-format', 'json'], {});
});

test('III_LOG_FORMAT=json does the same without the flag', { timeout: 120_000 }, async () => {
  await serveJson([], { III_LOG_FORMAT: 'json' });
});

test('a bad log format is E_CLI_BAD_ARGS, from the flag or the environment', async () => {
  const cwd = tempDir();
  try {
    const flag = await iii(cwd, ['--log-format', 'yaml']);
    assert.equal(flag.code, 1);
    assert.match(flag.stderr, /^error\[E_CLI_BAD_ARGS\]: --log-format must be one of text, json \(got `yaml`\)/);
    const env = await iii(cwd, [], { III_LOG_FORMAT: 'xml' });
    assert.equal(env.code, 1);
    assert.match(env.stderr, /^error\[E_CLI_BAD_ARGS\]: III_LOG_FORMAT must be one of text, json \(got `xml`\)/);
  } finally {
    rmSync(cwd, { recursive: true, force: true });
  }
});

test('with --log-format json a fatal start-up error is a JSON record too (level error, its code)', { timeout: 60_000 }, async () => {
  const cwd = tempDir();
  try {
    writeFileSync(join(cwd, 'config.yaml'), 'workers:\n  - name: state\n    config: [\n');
    const r = await iiiProcess(cwd, ['--log-format', 'json']);
    assert.equal(r.code, 1);
    const last = records(r.stderr).at(-1);
    assert.ok(last, r.stderr);
    assert.equal(last.level, 'error');
    assert.equal(last.scope, 'iii');
    assert.match(String(last.code), /^E_CONFIG_/);
  } finally {
    rmSync(cwd, { recursive: true, force: true });
  }
});
