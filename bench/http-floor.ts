/**
 * The floor for an HTTP trigger: `GET /s/:code` answered 302 by a raw protocol worker (plain `ws`, no SDK,
 * in its own process) through Triad's `http` module, beside a minimal HTTP → WebSocket → worker bridge (a
 * tiny node:http server, in its own process, forwarding each request as one `invokefunction` frame over a
 * single WebSocket to the same raw worker code and writing the 302 from its `invocationresult`). Both under
 * wrk in one run, alternating rounds; req/s and CPU per request (engine vs bridge, plus each side's worker)
 * from /proc. Goal (issue 10): Triad ≥ 0.8× the bridge's throughput.
 *
 *   node --import tsx bench/http-floor.ts [--duration 10] [--connections 64] [--rounds 3] [--profile] [--base main] [--transport tcp|unix]
 *
 * `--profile` also prints where the engine's and the bridge's CPU went over one more round each (V8 CPU profiles); with
 * `KEEP_PROFILE=1` the .cpuprofile files are kept (its path is printed) for a closer look.
 * `--base <git ref>` adds that ref's engine as a third side (before/after in the same run).
 * `--transport unix`: the raw worker reaches the engine (config `unix_socket`) and the bridge over a Unix
 * socket instead of TCP loopback, as the workers `iii` starts do; both sides always use the same transport.
 */
import { type ChildProcess, fork, spawn } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { createServer, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import WebSocket, { WebSocketServer } from 'ws';
import { freePort, REPO } from '../test/e2e/linkly-harness.ts';
import { checkout, shortSha } from './lib/checkout.ts';
import { profiledEnv, readProfile, summarise } from './lib/cpu-profile.ts';
import { report } from './lib/stats.ts';
import { loadLine, requireWrk, type WrkResult, wrk, wrkWithCpu } from './lib/wrk.ts';

function arg(name: string, fallback: number): number {
  const i = process.argv.indexOf(`--${name}`);
  return i >= 0 ? Number(process.argv[i + 1]) : fallback;
}
const DURATION_S = arg('duration', 10);
const CONNECTIONS = arg('connections', 64);
const ROUNDS = arg('rounds', 3);
const LOCATION = 'https://example.com/target';
const FUNCTION_ID = 'floor::redirect';
const SELF = new URL(import.meta.url).pathname;
const BASE = (() => {
  const i = process.argv.indexOf('--base');
  return i >= 0 ? process.argv[i + 1] : undefined;
})();
const UNIX = process.argv.includes('--transport') && process.argv[process.argv.indexOf('--transport') + 1] === 'unix';
const PROFILE = process.argv.includes('--profile') ? mkdtempSync(join(tmpdir(), 'triad-http-floor-')) : undefined;

// ---------------------------------------------------------------------------------------------
// Child processes: the raw worker, the engine, the bridge (this file with a role flag)
// ---------------------------------------------------------------------------------------------

/** The raw worker: answers every `invokefunction` with a 302. `register` = also register the function and route (Triad). */
function rawWorker(url: string, register: boolean): void {
  const ws = new WebSocket(url, { perMessageDeflate: false });
  const result = { status_code: 302, headers: { Location: LOCATION } };
  ws.on('open', () => {
    // (a no-op on a Unix socket)
    (ws as unknown as { _socket: { setNoDelay(v: boolean): void } })._socket.setNoDelay(true);
    if (!register) return;
    ws.send(JSON.stringify({ type: 'registerfunction', id: FUNCTION_ID }));
    ws.send(
      JSON.stringify({
        type: 'registertrigger',
        id: 'floor-route',
        trigger_type: 'http',
        function_id: FUNCTION_ID,
        config: { api_path: '/s/:code', http_method: 'GET' },
      }),
    );
  });
  ws.on('message', (raw) => {
    const m = JSON.parse(String(raw)) as { type: string; invocation_id?: string; function_id?: string };
    if (m.type !== 'invokefunction' || m.invocation_id === undefined) return;
    ws.send(JSON.stringify({ type: 'invocationresult', invocation_id: m.invocation_id, function_id: m.function_id, result }));
  });
  ws.on('close', () => process.exit(0));
}

/** Triad as users run it: the `iii` CLI of a checkout with a worker listener and the http module. */
async function startEngineProcess(cli: string, dir: string): Promise<{ child: ChildProcess; worker: string; http: string }> {
  const [wsPort, httpPort] = [await freePort(), await freePort()];
  const socket = join(dir, 'engine.sock');
  const yaml = [
    'workers:',
    '  - name: iii-worker-manager',
    `    config: { host: 127.0.0.1, port: ${wsPort}${UNIX ? `, unix_socket: ${socket}` : ''} }`,
    '  - name: http',
    `    config: { host: 127.0.0.1, port: ${httpPort} }`,
    '',
  ].join('\n');
  writeFileSync(join(dir, 'config.yaml'), yaml);
  const env = { ...process.env, ...(PROFILE ? profiledEnv(PROFILE) : {}) };
  const child = spawn(process.execPath, [cli, '-c', 'config.yaml', '--no-update-check'], { cwd: dir, env, stdio: 'ignore' });
  return { child, worker: UNIX ? `ws+unix://${socket}:/` : `ws://127.0.0.1:${wsPort}`, http: `http://127.0.0.1:${httpPort}` };
}

/**
 * The minimal bridge: one WebSocket (the worker connects to it, over TCP or `socketPath`), one frame per
 * request, no tracing, no checks.
 * The frame carries the request object a function is given (workers.md §1.3: query params, path params,
 * headers, registered path, method, body, trigger) so the worker sees the same request on both sides; only
 * the two channel refs are left out (streaming is Triad's own work, and counted against it).
 */
function bridgeProcess(socketPath: string | undefined): void {
  const upgrades = createServer();
  const wss = new WebSocketServer({ server: upgrades, perMessageDeflate: false });
  const pending = new Map<string, ServerResponse>();
  let worker: WebSocket | undefined;
  let seq = 0;
  wss.on('connection', (ws) => {
    worker = ws;
    ws.on('message', (raw) => {
      const m = JSON.parse(String(raw)) as { invocation_id: string; result?: { status_code?: number; headers?: Record<string, string> } };
      const res = pending.get(m.invocation_id);
      if (!res) return;
      pending.delete(m.invocation_id);
      res.writeHead(m.result?.status_code ?? 200, m.result?.headers ?? {}).end();
    });
  });
  const trigger = { type: 'http', path: '/s/:code', method: 'GET' };
  const http = createServer((req, res) => {
    if (!worker) return void res.writeHead(503).end();
    const id = String(++seq);
    pending.set(id, res);
    const url = req.url ?? '/';
    const q = url.indexOf('?');
    const code = /^\/s\/([^/?]+)/.exec(url)?.[1] ?? '';
    const query_params = q < 0 ? {} : Object.fromEntries(new URLSearchParams(url.slice(q + 1)));
    worker.send(
      JSON.stringify({
        type: 'invokefunction',
        invocation_id: id,
        function_id: FUNCTION_ID,
        data: { query_params, path_params: { code }, headers: req.headers, path: trigger.path, method: req.method, body: null, trigger },
      }),
    );
  });
  const listening = new Promise<void>((resolve) =>
    socketPath ? upgrades.listen(socketPath, resolve) : upgrades.listen(0, '127.0.0.1', resolve),
  );
  http.listen(0, '127.0.0.1', async () => {
    await listening;
    process.send?.({
      worker: socketPath ? `ws+unix://${socketPath}:/` : `ws://127.0.0.1:${(upgrades.address() as AddressInfo).port}`,
      http: `http://127.0.0.1:${(http.address() as AddressInfo).port}`,
    });
  });
}

// ---------------------------------------------------------------------------------------------

interface Side {
  name: string;
  url: string;
  pids: Record<string, number[]>;
  children: ChildProcess[];
  dir?: string;
}

function spawnRole(role: string, ...args: string[]): ChildProcess {
  const env = { ...process.env, ...(PROFILE && role === '--bridge' ? profiledEnv(PROFILE) : {}) };
  return fork(SELF, [role, ...args], { execArgv: ['--import', 'tsx'], stdio: 'inherit', env });
}

/** One wrk run on a side with the CPU profile of its engine (or bridge) on; prints the summary. */
async function profileSide(side: Side, dir: string): Promise<void> {
  const role = side.pids.engine ? 'engine' : 'bridge';
  const pid = side.pids[role]?.[0] ?? 0;
  process.kill(pid, 'SIGUSR2');
  const run = await wrkWithCpu(side.url, side.pids, { connections: CONNECTIONS, durationS: DURATION_S });
  process.kill(pid, 'SIGUSR2');
  const file = join(dir, `${pid}.cpuprofile`);
  for (let i = 0; i < 100 && !existsSync(file); i++) await new Promise((r) => setTimeout(r, 100));
  console.log(`
${side.name} ${role} profile over one round (${run.throughput.toFixed(0)} req/s, ${role} ${run.cpuUsPerRequest[role]?.toFixed(0)} µs/request):`);
  for (const l of summarise(readProfile(file), 25)) console.log(l);
}

function addresses(child: ChildProcess): Promise<{ worker: string; http: string }> {
  return new Promise((resolve, reject) => {
    child.once('message', (m) => resolve(m as { worker: string; http: string }));
    child.once('exit', (code) => reject(new Error(`child exited (${code}) before it listened`)));
  });
}

async function untilRedirects(url: string): Promise<void> {
  const deadline = Date.now() + 30_000;
  for (;;) {
    const status = await fetch(url, { redirect: 'manual' }).then(
      (r) => r.status,
      () => 0,
    );
    if (status === 302) return;
    if (Date.now() > deadline) throw new Error(`${url} never answered 302 (last ${status})`);
    await new Promise((r) => setTimeout(r, 50));
  }
}

async function startTriad(name: string, cli: string): Promise<Side> {
  const dir = mkdtempSync(join(tmpdir(), 'triad-http-floor-engine-'));
  const engine = await startEngineProcess(cli, dir);
  await waitListening(engine.worker);
  const w = spawnRole('--raw-worker', engine.worker, 'register');
  const url = `${engine.http}/s/abc123`;
  await untilRedirects(url);
  return { name, url, pids: { engine: [engine.child.pid ?? 0], worker: [w.pid ?? 0] }, children: [w, engine.child], dir };
}

async function startBridge(): Promise<Side> {
  const dir = mkdtempSync(join(tmpdir(), 'triad-http-floor-bridge-'));
  const bridge = UNIX ? spawnRole('--bridge', join(dir, 'bridge.sock')) : spawnRole('--bridge');
  const { worker, http } = await addresses(bridge);
  const w = spawnRole('--raw-worker', worker, 'plain');
  const url = `${http}/s/abc123`;
  await untilRedirects(url);
  return { name: 'bridge', url, pids: { bridge: [bridge.pid ?? 0], worker: [w.pid ?? 0] }, children: [w, bridge], dir };
}

/** Wait until the engine's worker listener accepts WebSocket connections. */
async function waitListening(url: string): Promise<void> {
  const deadline = Date.now() + 60_000;
  for (;;) {
    const ok = await new Promise<boolean>((resolve) => {
      const ws = new WebSocket(url);
      ws.once('open', () => {
        ws.close();
        resolve(true);
      });
      ws.once('error', () => resolve(false));
    });
    if (ok) return;
    if (Date.now() > deadline) throw new Error(`the engine never listened on ${url}`);
    await new Promise((r) => setTimeout(r, 100));
  }
}

type Run = WrkResult & { cpuUsPerRequest: Record<string, number> };

const median = (runs: Run[]): Run => [...runs].sort((a, b) => a.throughput - b.throughput)[Math.floor(runs.length / 2)] as Run;

async function main(): Promise<void> {
  requireWrk();
  console.log(
    `http-floor bench: workers over ${UNIX ? 'Unix sockets' : 'TCP loopback'}; wrk -t2 -c${CONNECTIONS} -d${DURATION_S}s × ${ROUNDS} rounds per side, alternating\n${loadLine()}`,
  );
  const sides: Side[] = [];
  let base: ReturnType<typeof checkout> | undefined;
  try {
    sides.push(await startTriad('triad', join(REPO, 'packages/cli/bin/iii.js')));
    sides.push(await startBridge());
    if (BASE) {
      base = checkout(BASE);
      sides.push(await startTriad(`triad@${BASE}`, base.cli));
    }
    for (const s of sides) await wrk(s.url, { connections: CONNECTIONS, durationS: 2 });
    const runs = new Map<string, Run[]>(sides.map((s) => [s.name, []]));
    for (let r = 0; r < ROUNDS; r++) {
      for (const s of r % 2 === 0 ? sides : [...sides].reverse()) {
        const run = await wrkWithCpu(s.url, s.pids, { connections: CONNECTIONS, durationS: DURATION_S });
        if (run.errors > 0) console.log(`  round ${r + 1}: ${s.name} had ${run.errors} errors`);
        runs.get(s.name)?.push(run);
      }
    }
    if (PROFILE) for (const s of sides.slice(0, 2)) await profileSide(s, PROFILE);
    const t = median(runs.get('triad') ?? []);
    const b = median(runs.get('bridge') ?? []);
    report(`GET /s/:code → raw worker → 302, median of ${ROUNDS} rounds (goal: ≥ 0.8× the bridge)`, t, b, {
      subject: 'triad http module',
      baseline: 'minimal http→ws bridge',
    });
    const te = t.cpuUsPerRequest.engine ?? Number.NaN;
    const be = b.cpuUsPerRequest.bridge ?? Number.NaN;
    console.log(
      `  cpu per request        engine ${te.toFixed(0)} µs + worker ${(t.cpuUsPerRequest.worker ?? 0).toFixed(0)} µs   bridge ${be.toFixed(0)} µs + worker ${(b.cpuUsPerRequest.worker ?? 0).toFixed(0)} µs   engine/bridge ${(te / be).toFixed(2)}×`,
    );
    const before = BASE ? median(runs.get(`triad@${BASE}`) ?? []) : undefined;
    if (before && BASE) {
      const be2 = before.cpuUsPerRequest.engine ?? Number.NaN;
      console.log(
        `\nbefore/after (${BASE} = ${shortSha(BASE)} vs this checkout): ${before.throughput.toFixed(0)} → ${t.throughput.toFixed(0)} req/s (${(t.throughput / before.throughput).toFixed(2)}×), engine ${be2.toFixed(0)} → ${te.toFixed(0)} µs/request (${(te / be2).toFixed(2)}×); vs the bridge before ${(before.throughput / b.throughput).toFixed(2)}×, after ${(t.throughput / b.throughput).toFixed(2)}×`,
      );
    }
    const ratio = t.throughput / b.throughput;
    console.log(`\ngoal ${ratio >= 0.8 ? 'met' : 'NOT met'}: throughput ${ratio.toFixed(3)}× the bridge (≥ 0.8)`);
  } finally {
    for (const s of sides) {
      for (const c of s.children) c.kill();
      if (s.dir) rmSync(s.dir, { recursive: true, force: true });
    }
    base?.remove();
    if (PROFILE && !process.env.KEEP_PROFILE) rmSync(PROFILE, { recursive: true, force: true });
    else if (PROFILE) console.log(`profile kept in ${PROFILE}`);
  }
  console.log(loadLine());
}

const role = process.argv[2];
if (role === '--raw-worker') rawWorker(process.argv[3] ?? '', process.argv[4] === 'register');
else if (role === '--bridge') bridgeProcess(process.argv[3]);
else await main();
