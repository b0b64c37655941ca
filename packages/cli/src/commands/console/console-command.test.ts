/**
 * `iii console` as a real process against a real in-process engine (page, API, SIGTERM → exit 0),
 * its fast failures (no engine, port taken, bad flags), and `- name: console` in a project's
 * config.yaml started by `iii`.
 */
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { existsSync, mkdirSync, rmSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { join } from 'node:path';
import { describe, it, type TestContext } from 'node:test';
import { chromium } from 'playwright-core';
import { startTestEngine } from '../../../../../test/helpers/engine.ts';
import { freePort } from '../../../../../test/helpers/ports.ts';
import { waitFor } from '../../../../../test/helpers/wait.ts';
import { BIN, iii, tempDir } from '../../../test/run-cli.ts';
import { startServe } from '../../../test/serve-process.ts';

const CHROMIUM = '/usr/bin/chromium';
const OUT = new URL('../../../../../test-output/', import.meta.url).pathname;

interface Proc {
  output(): string;
  stdout(): string;
  kill(signal: NodeJS.Signals): void;
  exited: Promise<number | null>;
}

function iiiConsole(args: string[]): Proc {
  const child = spawn(process.execPath, [BIN, 'console', ...args], { stdio: ['ignore', 'pipe', 'pipe'] });
  let out = '';
  let all = '';
  child.stdout.on('data', (d: Buffer) => {
    out += d.toString();
    all += d.toString();
  });
  child.stderr.on('data', (d: Buffer) => {
    all += d.toString();
  });
  const exited = new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)));
  return { output: () => all, stdout: () => out, kill: (s) => child.kill(s), exited };
}

async function call(base: string, functionId: string): Promise<{ status: number; body: Record<string, unknown> }> {
  const r = await fetch(`${base}/api/call`, { method: 'POST', body: JSON.stringify({ function_id: functionId }) });
  return { status: r.status, body: (await r.json()) as Record<string, unknown> };
}

async function workerNames(base: string): Promise<string[]> {
  const r = await call(base, 'engine::workers::list');
  assert.equal(r.status, 200, JSON.stringify(r.body));
  return (r.body.result as { workers: Array<{ name: string }> }).workers.map((w) => w.name);
}

/** Look at the page once in Chromium: wait for `text`, save a screenshot under test-output/. */
async function screenshot(t: TestContext, url: string, text: string, file: string): Promise<void> {
  if (!existsSync(CHROMIUM)) {
    assert.notEqual(process.env.CI, 'true', `${CHROMIUM} is missing (apt-get install -y chromium)`);
    t.diagnostic(`${CHROMIUM} is missing: no screenshot`);
    return;
  }
  const browser = await chromium.launch({
    executablePath: CHROMIUM,
    args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-background-networking'],
  });
  try {
    const page = await browser.newPage();
    await page.goto(url);
    await page.locator('main table').getByText(text, { exact: true }).first().waitFor({ timeout: 15_000 });
    mkdirSync(OUT, { recursive: true });
    await page.screenshot({ path: join(OUT, file), fullPage: true });
  } finally {
    await browser.close();
  }
}

describe('iii console', () => {
  it('serves the page and API for a running engine, and exits 0 on SIGTERM', { timeout: 60_000 }, async (t) => {
    const engine = await startTestEngine();
    const port = new URL(engine.workerUrl).port;
    const proc = iiiConsole(['-p', '0', '--engine-host', '127.0.0.1', '--bridge-port', port]);
    try {
      const base = await waitFor(
        () => {
          if (proc.output().includes('error[')) throw new Error(proc.output());
          return /^(http:\/\/127\.0\.0\.1:\d+)\n/.exec(proc.stdout())?.[1];
        },
        { timeoutMs: 30_000, what: `the console URL; output so far:\n${proc.output()}` },
      );
      assert.equal(proc.stdout(), `${base}\n`, 'stdout holds the URL only (no SDK chatter)');
      for (const path of ['/', '/traces', '/workers']) {
        const page = await fetch(`${base}${path}`);
        assert.equal(page.status, 200, path);
        assert.match(await page.text(), /<title>iii console<\/title>/);
      }
      const status = (await (await fetch(`${base}/api/status`)).json()) as Record<string, unknown>;
      // traces: false — standalone, Invoke cannot name the trace of its call (the SDK's trigger() takes no traceparent).
      assert.deepEqual(status, { version: '0.22.1', engine_url: engine.workerUrl, http_port: Number(new URL(base).port), traces: false });
      await waitFor(async () => (await workerNames(base)).includes('iii-console'), { what: 'iii-console connected' });
      await screenshot(t, `${base}/workers`, 'iii-console', 'console-cli-workers.png');
      proc.kill('SIGTERM');
      assert.equal(await proc.exited, 0, proc.output());
      assert.match(proc.output(), /Stopping…/);
      await waitFor(() => !engine.api.hasFunction('console::status'), { what: 'the console worker to leave the engine' });
    } finally {
      proc.kill('SIGKILL');
      await proc.exited;
      await engine.stop();
    }
  });

  it('fails fast with E_CLI_ENGINE_UNREACHABLE when no engine answers', async () => {
    const port = await freePort();
    const started = Date.now();
    const r = await iii(tempDir(), ['console', '-p', '0', '--bridge-port', String(port)]);
    assert.equal(r.code, 1);
    const [first, hint] = r.stderr.split('\n');
    assert.equal(first, `error[E_CLI_ENGINE_UNREACHABLE]: cannot reach the engine at ws://127.0.0.1:${port} (ECONNREFUSED)`);
    assert.match(hint ?? '', /--engine-host \/ --bridge-port/);
    assert.ok(Date.now() - started < 5_000, 'failed fast');
    const viaEnv = await iii(tempDir(), ['console', '-p', '0'], { III_URL: `ws://127.0.0.1:${port}` });
    assert.match(viaEnv.stderr, new RegExp(`ws://127\\.0\\.0\\.1:${port}`));
  });

  it('a taken port is E_CLI_PORT_IN_USE, and the console worker does not linger', { timeout: 30_000 }, async () => {
    const engine = await startTestEngine();
    const blocker = createServer();
    await new Promise<void>((r) => blocker.listen(0, '127.0.0.1', r));
    const { port } = blocker.address() as { port: number };
    try {
      const r = await iii(tempDir(), ['console', '-p', String(port), '--url', engine.workerUrl]);
      assert.equal(r.code, 1);
      assert.match(r.stderr, new RegExp(`^error\\[E_CLI_PORT_IN_USE\\]: 127\\.0\\.0\\.1:${port} is already in use`));
      const left = async (): Promise<boolean> => {
        const { workers } = (await engine.api.invoke('engine::workers::list', {})) as { workers: Array<{ name: string }> };
        return !workers.some((w) => w.name === 'iii-console');
      };
      await waitFor(left, { what: 'no iii-console worker left behind' });
    } finally {
      await new Promise<void>((r) => blocker.close(() => r()));
      await engine.stop();
    }
  });

  it('rejects bad flags with E_CLI_BAD_ARGS and documents its flags in --help', async () => {
    const cwd = tempDir();
    assert.match((await iii(cwd, ['console', '-p', '70000'])).stderr, /^error\[E_CLI_BAD_ARGS\]: --port must be at most 65535/);
    assert.match((await iii(cwd, ['console', '-p', 'x'])).stderr, /^error\[E_CLI_BAD_ARGS\]: --port must be a non-negative integer/);
    assert.match((await iii(cwd, ['console', 'extra'])).stderr, /^error\[E_CLI_BAD_ARGS\]: unexpected argument `extra`/);
    assert.match((await iii(cwd, ['console', '--url', 'http://x'])).stderr, /^error\[E_CLI_BAD_ARGS\]: engine URL must be ws:\/\//);
    // Reference flags that would do nothing here are refused by name, not silently ignored.
    for (const [args, reason] of [
      [['--engine-port', '3111'], /^error\[E_CLI_UNSUPPORTED_FLAG\]: --engine-port is not supported: .*worker socket/],
      [['--ws-port', '3112'], /^error\[E_CLI_UNSUPPORTED_FLAG\]: --ws-port is not supported/],
      [['--no-otel'], /^error\[E_CLI_UNSUPPORTED_FLAG\]: --no-otel is not supported: .*OpenTelemetry/],
      [['--otel-service-name', 'x'], /^error\[E_CLI_UNSUPPORTED_FLAG\]: --otel-service-name is not supported/],
      [['--enable-flow'], /^error\[E_CLI_UNSUPPORTED_FLAG\]: --enable-flow is not supported: .*flow/],
    ] as const) {
      const r = await iii(cwd, ['console', ...args, '--port', '1']);
      assert.equal(r.code, 1);
      assert.match(r.stderr, reason);
      assert.match(r.stderr, /hint: drop it/);
    }
    const help = await iii(cwd, ['console', '--help']);
    assert.equal(help.code, 0);
    assert.match(help.stdout, /--enable-flow +Reference flag with no use here: refused/);
    for (const text of [
      '-p, --port <port>',
      '--host <host>',
      '--engine-host <host>',
      '--bridge-port <port>',
      '--url <ws-url>',
      '[default: 3113]',
    ])
      assert.ok(help.stdout.includes(text), text);
    assert.match((await iii(cwd, ['--help'])).stdout, /console/);
  });
});

describe('- name: console in config.yaml', () => {
  it('`iii` starts the console with the engine', { timeout: 60_000 }, async () => {
    const dir = tempDir('triad-cli-console-');
    writeFileSync(
      join(dir, 'config.yaml'),
      'workers:\n  - name: iii-worker-manager\n    config:\n      host: 127.0.0.1\n      port: 0\n  - name: console\n    config:\n      port: 0\n',
    );
    const serve = await startServe(dir);
    try {
      const base = await waitFor(() => /console {8}(http:\/\/127\.0\.0\.1:\d+)/.exec(serve.output())?.[1], {
        what: `the console line; output so far:\n${serve.output()}`,
      });
      const page = await fetch(`${base}/traces`);
      assert.equal(page.status, 200);
      assert.match(await page.text(), /<title>iii console<\/title>/);
      const status = (await (await fetch(`${base}/api/status`)).json()) as Record<string, unknown>;
      assert.equal(status.http_port, Number(new URL(base).port));
      assert.ok((await workerNames(base)).includes('console'), 'the console module is an engine worker');
      serve.child.kill('SIGTERM');
      assert.equal(await serve.exited, 0, serve.output());
    } finally {
      serve.child.kill('SIGKILL');
      await serve.exited;
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
