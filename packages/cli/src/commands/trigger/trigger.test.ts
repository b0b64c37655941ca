/** CLI-level behaviour that needs no engine; the engine round trips are in test/e2e.test.ts. */
import assert from 'node:assert/strict';
import { createServer as createHttpServer } from 'node:http';
import { createServer } from 'node:net';
import { test } from 'node:test';
import { iii, tempDir } from '../../../test/run-cli.ts';

test('an unreachable engine fails fast with E_CLI_ENGINE_UNREACHABLE naming the address', async () => {
  const server = createServer();
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  const { port } = server.address() as { port: number };
  await new Promise<void>((r) => server.close(() => r()));
  const started = Date.now();
  const r = await iii(tempDir(), ['trigger', 'link::create', 'url=x', '--port', String(port)]);
  assert.equal(r.code, 1);
  assert.equal(
    r.stderr.split('\n')[0],
    `error[E_CLI_ENGINE_UNREACHABLE]: cannot reach the engine at ws://127.0.0.1:${port} (ECONNREFUSED)`,
  );
  assert.ok(Date.now() - started < 5_000, 'failed fast');
  const viaEnv = await iii(tempDir(), ['trigger', 'x'], { III_URL: `ws://127.0.0.1:${port}` });
  assert.match(viaEnv.stderr, new RegExp(`ws://127\\.0\\.0\\.1:${port}`));
});

test('argument errors are one-line E_CLI_BAD_ARGS', async () => {
  const cwd = tempDir();
  assert.match((await iii(cwd, ['trigger'])).stderr, /^error\[E_CLI_BAD_ARGS\]: missing FUNCTION_PATH/);
  assert.match((await iii(cwd, ['trigger', 'f', 'oops'])).stderr, /^error\[E_CLI_BAD_ARGS\]: expected key=value, got `oops`/);
  assert.match((await iii(cwd, ['trigger', 'f', '--payload', '{}'])).stderr, /^error\[E_CLI_BAD_ARGS\]: unknown option `--payload`/);
  assert.match((await iii(cwd, ['trigger', 'f', '--timeout-ms', 'soon'])).stderr, /^error\[E_CLI_BAD_ARGS\]: --timeout-ms must be/);
  assert.match((await iii(cwd, ['trigger', 'f', '--url', 'http://x'])).stderr, /^error\[E_CLI_BAD_ARGS\]: engine URL must be ws:\/\//);
});

test('static help documents the flags, the nested-key improvement and the function-help tip', async () => {
  const r = await iii(tempDir(), ['trigger', '--help']);
  assert.equal(r.code, 0);
  for (const text of [
    '--json <JSON>',
    '--address <host>',
    '--port <port>',
    '--url <ws-url>',
    '--timeout-ms <ms>',
    'a.b=1',
    'iii trigger <fn-path> --help',
  ])
    assert.ok(r.stdout.includes(text), text);
  const alias = await iii(tempDir(), ['t', '--help']);
  assert.equal(alias.stdout, r.stdout);
});

test('function help falls back to static help (exit 0) when no engine answers', async () => {
  const r = await iii(tempDir(), ['trigger', 'database::query', '--help', '--port', '1']);
  assert.equal(r.code, 0);
  assert.match(r.stderr, /^warning: could not query engine for `database::query`: .*E_CLI_ENGINE_UNREACHABLE|cannot reach/);
  assert.match(r.stdout, /Usage: iii trigger/);
});

test('something that is not an engine (plain HTTP) fails fast with E_CLI_ENGINE_UNREACHABLE', async () => {
  const server = createHttpServer((_req, res) => res.writeHead(404).end());
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  const { port } = server.address() as { port: number };
  try {
    const r = await iii(tempDir(), ['trigger', 'x::y', '--port', String(port)]);
    assert.equal(r.code, 1);
    assert.equal(
      r.stderr.split('\n')[0],
      `error[E_CLI_ENGINE_UNREACHABLE]: cannot reach the engine at ws://127.0.0.1:${port} (answered HTTP 404: not an iii engine worker socket)`,
    );
  } finally {
    await new Promise<void>((r) => server.close(() => r()));
  }
});
