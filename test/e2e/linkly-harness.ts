/**
 * Runs the real Linkly project for end-to-end tests and benchmarks: a fresh copy of linkly/ in a temp
 * folder (so data/ and config/ start clean), the `iii` CLI as a child process on free ports, and the
 * link / analytics / click-streamer / bulk-importer workers supervised by it as child processes.
 *
 * @example
 * const app = await startLinkly();
 * try { await fetch(`${app.api}/links`) } finally { await app.stop(); app.remove(); }
 */
import assert from 'node:assert/strict';
import { type ChildProcess, execFile, spawn } from 'node:child_process';
import { cpSync, mkdirSync, mkdtempSync, rmSync, symlinkSync } from 'node:fs';
import { createConnection } from 'node:net';
import { tmpdir } from 'node:os';
import { join, relative, sep } from 'node:path';
import { type IIIClient, registerWorker } from 'iii-sdk';
import { type BrowserContext, chromium, type Page } from 'playwright-core';
import WebSocket from 'ws';
import { buildFrontend, serveFrontend } from '../../scripts/frontend.js';
import { CHROMIUM, CHROMIUM_ARGS, hasChromium } from '../helpers/chromium.ts';
import { uniqueName } from '../helpers/names.ts';
import { freePort } from '../helpers/ports.ts';
import { waitFor } from '../helpers/wait.ts';

export { freePort };

export const REPO = new URL('../..', import.meta.url).pathname.replace(/\/$/, '');
export const CLI = join(REPO, 'packages/cli/bin/iii.js');
const SOURCE = join(REPO, 'linkly');
/** Copied folders never include what a run produces. */
const SKIP = new Set(['node_modules', 'data', '.iii', 'iii.lock']);

/** Triggers that exist once every Linkly worker has finished booting. */
export const READY_TRIGGERS = [
  'http::create',
  'http::redirect',
  'http::update',
  'link::on_link_updated',
  'analytics::on_link_created',
  'click-streamer::broadcast',
];
/** Functions of workers that register no trigger (bulk-importer is only ever called). */
export const READY_FUNCTIONS = ['bulk-importer::import_csv'];

export interface LinklyPorts {
  engine: number;
  http: number;
  stream: number;
  /** The RBAC listener browsers connect to (chapter 7; 3110 by default). */
  browser: number;
}

export interface StartOptions {
  /** Reuse a project folder (engine restart); default: a fresh copy of linkly/. */
  dir?: string;
  /** Reuse ports (engine restart); default: free ones. */
  ports?: LinklyPorts;
  env?: Record<string, string>;
  /** @default 120000: first boots compile TypeScript in three workers */
  readyTimeoutMs?: number;
  /** Folder of config.yaml inside the project (e.g. `cluster/engine-a`). @default '.' */
  configDir?: string;
  /** Engine secret (III_ENGINE_SECRET): the workers get it from `iii`, the harness's own clients send it. */
  secret?: string;
  /** Triggers / functions whose registration means "booted". @default every Linkly worker's */
  ready?: { triggers: string[]; functions: string[] };
  /** The `iii` entry point to run (bench/engine-ab.ts runs another checkout's engine). @default this repo's */
  cli?: string;
  /** How `iii` connects the workers it starts (III_WORKER_TRANSPORT). @default tcp, as `iii` does */
  workerTransport?: 'unix' | 'tcp';
}

export interface Linkly {
  dir: string;
  ports: LinklyPorts;
  /** http://127.0.0.1:<http port> */
  api: string;
  /** ws://127.0.0.1:<stream port> */
  streamUrl: string;
  /** ws://127.0.0.1:<engine port> */
  engineUrl: string;
  /** The engine secret its clients send, if it has one. */
  secret?: string;
  /** The `iii` process (its own process group). */
  pid: number | undefined;
  /** Everything the CLI and the workers printed so far (for failure messages). */
  output(): string;
  /** SIGTERM the CLI (which stops the workers) and wait for it to exit. */
  stop(): Promise<void>;
  /** Delete the project folder. */
  remove(): void;
}

/** A fresh copy of linkly/ whose node_modules points at the repo's, so workers need no install. */
export function copyProject(): string {
  const dir = mkdtempSync(join(tmpdir(), 'linkly-'));
  cpSync(SOURCE, dir, {
    recursive: true,
    filter: (src) =>
      !relative(SOURCE, src)
        .split(sep)
        .some((part) => SKIP.has(part)),
  });
  symlinkSync(join(REPO, 'node_modules'), join(dir, 'node_modules'), 'dir');
  mkdirSync(join(dir, 'data'), { recursive: true });
  return dir;
}

export async function startLinkly(opts: StartOptions = {}): Promise<Linkly> {
  const dir = opts.dir ?? copyProject();
  // A free port can be taken by another process between our probe and the engine's bind: pick again.
  for (let attempt = 1; ; attempt++) {
    const ports = opts.ports ?? { engine: await freePort(), http: await freePort(), stream: await freePort(), browser: await freePort() };
    try {
      return await launch(dir, ports, opts);
    } catch (err) {
      if (opts.ports || attempt >= 3 || !String(err).includes('EADDRINUSE')) throw err;
    }
  }
}

async function launch(dir: string, ports: LinklyPorts, opts: StartOptions): Promise<Linkly> {
  const env = {
    ...process.env,
    LINKLY_ENGINE_PORT: String(ports.engine),
    LINKLY_HTTP_PORT: String(ports.http),
    LINKLY_STREAM_PORT: String(ports.stream),
    LINKLY_BROWSER_PORT: String(ports.browser),
    OTEL_ENABLED: 'false',
    ...(opts.secret ? { III_ENGINE_SECRET: opts.secret } : {}),
    ...(opts.workerTransport ? { III_WORKER_TRANSPORT: opts.workerTransport } : {}),
    ...opts.env,
  };
  // Own process group: if the CLI ever fails to stop, the whole tree can still be killed.
  const child = spawn(process.execPath, [opts.cli ?? CLI, '-c', 'config.yaml', '--no-update-check'], {
    cwd: join(dir, opts.configDir ?? '.'),
    env,
    detached: true,
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let out = '';
  child.stdout?.on('data', (b: Buffer) => (out += b.toString()));
  child.stderr?.on('data', (b: Buffer) => (out += b.toString()));
  const app: Linkly = {
    dir,
    ports,
    api: `http://127.0.0.1:${ports.http}`,
    streamUrl: `ws://127.0.0.1:${ports.stream}`,
    engineUrl: `ws://127.0.0.1:${ports.engine}`,
    ...(opts.secret ? { secret: opts.secret } : {}),
    pid: child.pid,
    output: () => out,
    stop: () => stopChild(child),
    remove: () => rmSync(dir, { recursive: true, force: true }),
  };
  // Fail fast when `iii` exits during boot (bad config, port taken) instead of waiting out the timeout.
  const exited = new Promise<never>((_, reject) =>
    child.once('exit', (code, signal) => reject(new Error(`iii exited (${signal ?? `code ${code}`})`))),
  );
  exited.catch(() => {});
  try {
    await Promise.race([waitReady(app, opts.readyTimeoutMs ?? 120_000, opts.ready), exited]);
  } catch (err) {
    await app.stop();
    throw new Error(`Linkly did not start: ${String(err)}\n--- output ---\n${out.slice(-4000)}`);
  }
  return app;
}

/** True once something accepts TCP connections on the port. */
function listening(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const socket = createConnection({ host: '127.0.0.1', port });
    socket.once('connect', () => {
      socket.destroy();
      resolve(true);
    });
    socket.once('error', () => resolve(false));
  });
}

async function waitReady(app: Linkly, timeoutMs: number, ready = { triggers: READY_TRIGGERS, functions: READY_FUNCTIONS }): Promise<void> {
  // Connect the SDK only once the engine listens: its reconnect backoff would otherwise add seconds.
  await waitFor(() => listening(app.ports.engine), { timeoutMs, intervalMs: 50, what: `the engine on port ${app.ports.engine}` });
  const client = connect(app);
  try {
    await waitFor(
      async () => {
        const res = (await client.trigger({ function_id: 'engine::registered-triggers::list', payload: {}, timeoutMs: 2000 })) as {
          registered_triggers?: { function_id: string }[];
        };
        const live = new Set((res.registered_triggers ?? []).map((t) => t.function_id));
        if (!ready.triggers.every((id) => live.has(id))) return false;
        const fns = (await client.trigger({ function_id: 'engine::functions::list', payload: {}, timeoutMs: 2000 })) as {
          functions?: { function_id: string }[];
        };
        const registered = new Set((fns.functions ?? []).map((f) => f.function_id));
        return ready.functions.every((id) => registered.has(id));
      },
      { timeoutMs, intervalMs: 100, what: `Linkly triggers ${ready.triggers.join(', ')} and functions ${ready.functions.join(', ')}` },
    );
    await waitFor(async () => (await fetch(`${app.api}/links`)).ok, { timeoutMs: 30_000, what: 'GET /links' });
  } finally {
    await client.shutdown();
  }
}

async function stopChild(child: ChildProcess): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return;
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  child.kill('SIGTERM');
  const timer = setTimeout(() => {
    if (child.pid !== undefined) {
      try {
        process.kill(-child.pid, 'SIGKILL');
      } catch {
        // already gone
      }
    }
  }, 15_000);
  await exited;
  clearTimeout(timer);
}

/** A real iii-sdk worker connected to the Linkly engine (the test's own client). */
export function connect(app: Pick<Linkly, 'engineUrl' | 'secret'>, name = uniqueName('linkly-test')): IIIClient {
  return registerWorker(app.engineUrl, {
    workerName: name,
    otel: { enabled: false },
    enableMetricsReporting: false,
    ...(app.secret ? { headers: { authorization: `Bearer ${app.secret}` } } : {}),
  });
}

/**
 * How each connected worker reached the engine, by name: `tcp` (it has an IP address) or `unix` (the
 * engine's socket file has none).
 */
export async function workerTransports(client: IIIClient): Promise<Record<string, 'tcp' | 'unix'>> {
  const res = (await client.trigger({ function_id: 'engine::workers::list', payload: {} })) as {
    workers: { name: string; runtime: string; ip_address: string | null }[];
  };
  return Object.fromEntries(res.workers.filter((w) => w.runtime !== 'engine').map((w) => [w.name, w.ip_address === null ? 'unix' : 'tcp']));
}

/** Run `iii trigger …` against the project's engine; resolves with stdout (rejects with stderr on failure). */
export function iiiTrigger(app: Pick<Linkly, 'ports' | 'dir'>, args: string[]): Promise<string> {
  return new Promise((resolve, reject) => {
    execFile(
      process.execPath,
      [CLI, 'trigger', '--port', String(app.ports.engine), ...args],
      { cwd: app.dir, timeout: 30_000 },
      (err, stdout, stderr) => {
        if (err) reject(new Error(`iii trigger ${args.join(' ')} failed: ${stderr || err.message}`));
        else resolve(stdout);
      },
    );
  });
}

/** POST /links */
export async function createLink(app: Pick<Linkly, 'api'>, body: unknown): Promise<{ status: number; body: Record<string, unknown> }> {
  const res = await fetch(`${app.api}/links`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify(body),
  });
  return { status: res.status, body: (await res.json()) as Record<string, unknown> };
}

/** GET /s/:code without following the redirect. */
export async function follow(app: Pick<Linkly, 'api'>, code: string): Promise<{ status: number; location: string | null }> {
  const res = await fetch(`${app.api}/s/${encodeURIComponent(code)}`, { redirect: 'manual' });
  await res.arrayBuffer();
  return { status: res.status, location: res.headers.get('location') };
}

export { CHROMIUM, CHROMIUM_ARGS, hasChromium };

/** Why a browser test cannot run here (false: it can); under CI=true a missing Chromium is a failure. */
export function chromiumSkip(): string | false {
  if (hasChromium()) return false;
  assert.notEqual(process.env.CI, 'true', `${CHROMIUM} is missing (apt-get install -y chromium)`);
  return `${CHROMIUM} is missing: apt-get install -y chromium`;
}

/** Debian's Chromium with a throwaway profile; `close()` also deletes the profile. */
export async function openChromium(viewport = { width: 1100, height: 900 }): Promise<{
  context: BrowserContext;
  newPage(): Promise<Page>;
  close(): Promise<void>;
}> {
  const profile = mkdtempSync(join(tmpdir(), 'linkly-chromium-'));
  const context = await chromium.launchPersistentContext(profile, {
    executablePath: CHROMIUM,
    headless: true,
    args: CHROMIUM_ARGS,
    viewport,
  });
  let first: Page | undefined = context.pages()[0];
  return {
    context,
    async newPage() {
      const page = first ?? (await context.newPage());
      first = undefined;
      return page;
    },
    async close() {
      await context.close();
      rmSync(profile, { recursive: true, force: true });
    },
  };
}

/**
 * The Linkly frontend built for `app`'s RBAC listener and served on a free port, as `npm start` does
 * (`outName` keeps the builds of several engines of one project apart).
 */
export async function serveFrontendFor(app: Pick<Linkly, 'dir' | 'ports'>, outName?: string): Promise<{ url: string; close(): void }> {
  const dist = await buildFrontend(app.dir, { browserUrl: `ws://localhost:${app.ports.browser}`, ...(outName ? { outName } : {}) });
  const { server, url } = await serveFrontend(dist, await freePort());
  return {
    url,
    close() {
      server.closeAllConnections();
      server.close();
    },
  };
}

/** A fresh copy of linkly/ and the environment that makes `scripts/start.js` serve it on free ports. */
export async function npmStartEnv(): Promise<{
  dir: string;
  ports: Record<'http' | 'stream' | 'engine' | 'browser' | 'frontend', number>;
  env: NodeJS.ProcessEnv;
}> {
  const dir = copyProject();
  const ports = {
    http: await freePort(),
    stream: await freePort(),
    engine: await freePort(),
    browser: await freePort(),
    frontend: await freePort(),
  };
  const env = {
    ...process.env,
    LINKLY_DIR: dir,
    LINKLY_HTTP_PORT: String(ports.http),
    LINKLY_STREAM_PORT: String(ports.stream),
    LINKLY_ENGINE_PORT: String(ports.engine),
    LINKLY_BROWSER_PORT: String(ports.browser),
    LINKLY_FRONTEND_PORT: String(ports.frontend),
    OTEL_ENABLED: 'false',
  };
  return { dir, ports, env };
}

export interface StreamFrame {
  type: string;
  streamName?: string;
  groupId?: string;
  event?: { type: string; data?: unknown };
}

/** A WebSocket subscriber on clicks/all that records every frame. */
export async function subscribeClicks(app: Pick<Linkly, 'streamUrl'>): Promise<{ frames: StreamFrame[]; close(): void }> {
  const ws = new WebSocket(app.streamUrl);
  const frames: StreamFrame[] = [];
  ws.on('message', (raw) => frames.push(JSON.parse(String(raw)) as StreamFrame));
  await new Promise<void>((resolve, reject) => {
    ws.once('open', () => resolve());
    ws.once('error', reject);
  });
  ws.send(JSON.stringify({ type: 'join', data: { subscriptionId: uniqueName('sub'), streamName: 'clicks', groupId: 'all' } }));
  await waitFor(() => frames.some((f) => f.event?.type === 'sync'), { timeoutMs: 30_000, what: 'sync frame' });
  return { frames, close: () => ws.close() };
}
