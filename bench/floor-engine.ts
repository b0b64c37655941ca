/**
 * SDK-on-both-ends invocations through Triad beside the same through a floor engine, in the same run.
 *
 * The floor is the least an engine can do for the official iii-sdk: answer `workerregistered`, route
 * `invokefunction` to the function's owner and `invocationresult` back, accept `/otel` and drop its frames
 * unread. Anything else (trigger registration, engine functions) is ignored or answered with an error.
 * Both engines run in this process (one idle while the other is measured); the two SDK workers (caller A
 * and owner B, OpenTelemetry on as users run them) run in a child process. CPU per call is read from
 * /proc/<pid>/stat for the engine (this process) and the SDK process.
 * Goal (issue 10): Triad ≥ 0.9× the floor's throughput at 64 in flight, p50 ≤ 1.2×.
 * `--transport unix`: the SDKs reach both engines through a Unix socket (`ws+unix://…:/`, as the workers
 * `iii` starts do) instead of TCP loopback; both sides always use the same transport.
 * `--transport both`: no floor; Triad over its Unix socket beside Triad over TCP, same engine, same run.
 *
 *   node --import tsx bench/floor-engine.ts [--calls 10000] [--rounds 3] [--transport tcp|unix|both]
 */
import { fork } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { startEngine } from '@triad/engine';
import { registerWorker } from 'iii-sdk';
import type WebSocket from 'ws';
import { WebSocketServer } from 'ws';
import { load, report, type Sample } from './lib/stats.ts';
import { cpuLine, cpuUsOf, loadLine } from './lib/wrk.ts';

function arg(name: string, fallback: number): number {
  const i = process.argv.indexOf(`--${name}`);
  return i >= 0 ? Number(process.argv[i + 1]) : fallback;
}
const CALLS = arg('calls', 10_000);
const ROUNDS = arg('rounds', 3);
const SELF = new URL(import.meta.url).pathname;
const TRANSPORT = ((): 'tcp' | 'unix' | 'both' => {
  const v = process.argv.includes('--transport') ? process.argv[process.argv.indexOf('--transport') + 1] : 'tcp';
  if (v !== 'tcp' && v !== 'unix' && v !== 'both') throw new Error(`--transport must be tcp, unix or both, got ${v}`);
  return v;
})();
/** Triad listens on a Unix socket too (`unix`: both sides on sockets; `both`: Triad's socket vs Triad's port). */
const UNIX = TRANSPORT !== 'tcp';

/** The floor engine: workers on `/`, telemetry on `/otel` (read by nobody); on 127.0.0.1 or on the Unix socket `socketPath`. */
export async function startFloorEngine(socketPath?: string): Promise<{ url: string; close(): Promise<void> }> {
  const server = createServer();
  const workers = new WebSocketServer({ noServer: true, perMessageDeflate: false });
  const otel = new WebSocketServer({ noServer: true, perMessageDeflate: false });
  const owners = new Map<string, WebSocket>();
  const callers = new Map<string, WebSocket>();
  server.on('upgrade', (req, socket, head) => {
    const wss = req.url?.startsWith('/otel') ? otel : workers;
    wss.handleUpgrade(req, socket, head, (ws) => wss.emit('connection', ws, req));
  });
  workers.on('connection', (ws) => {
    ws.send(JSON.stringify({ type: 'workerregistered', worker_id: randomUUID() }));
    ws.on('message', (raw, isBinary) => {
      if (isBinary) return;
      const text = raw.toString();
      const m = JSON.parse(text) as { type: string; id?: string; function_id?: string; invocation_id?: string };
      if (m.type === 'registerfunction' && m.id) owners.set(m.id, ws);
      else if (m.type === 'invokefunction') {
        const owner = owners.get(m.function_id ?? '');
        if (owner) {
          if (m.invocation_id) callers.set(m.invocation_id, ws);
          owner.send(text);
        } else if (m.invocation_id) {
          const error = { code: 'function_not_found', message: `no function ${m.function_id}` };
          ws.send(JSON.stringify({ type: 'invocationresult', invocation_id: m.invocation_id, function_id: m.function_id, error }));
        }
      } else if (m.type === 'invocationresult' && m.invocation_id) {
        const caller = callers.get(m.invocation_id);
        callers.delete(m.invocation_id);
        caller?.send(text);
      } else if (m.type === 'ping') ws.send(JSON.stringify({ type: 'pong' }));
    });
    ws.on('close', () => {
      for (const [id, owner] of owners) if (owner === ws) owners.delete(id);
    });
  });
  if (socketPath) await new Promise<void>((r) => server.listen(socketPath, r));
  else await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  return {
    url: socketPath ? `ws+unix://${socketPath}:/` : `ws://127.0.0.1:${(server.address() as AddressInfo).port}`,
    close: async () => {
      for (const ws of [...workers.clients, ...otel.clients]) ws.terminate();
      server.closeAllConnections();
      await new Promise<void>((r) => server.close(() => r()));
    },
  };
}

interface PairResult {
  sample: Sample;
  /** CPU µs the SDK process used per measured call (both workers). */
  sdkUs: number;
}

/** Child process: SDK worker B owns `bench::floor`, SDK worker A calls it `calls` times, `inFlight` at a time. */
async function runPair(url: string, calls: number, inFlight: number): Promise<void> {
  const b = registerWorker(url, { workerName: 'bench-floor-b' });
  const a = registerWorker(url, { workerName: 'bench-floor-a' });
  b.registerFunction('bench::floor', async (input: { n: number }) => ({ ok: true, n: input.n }));
  // Registration is not acknowledged on the wire: call until the owner is known.
  for (let tries = 0; ; tries++) {
    try {
      await a.trigger({ function_id: 'bench::floor', payload: { n: -1 }, timeoutMs: 2000 });
      break;
    } catch (err) {
      if (tries > 200) throw err;
      await new Promise((r) => setTimeout(r, 25));
    }
  }
  const run = (n: number): Promise<Sample> => load(n, inFlight, (k) => a.trigger({ function_id: 'bench::floor', payload: { n: k } }));
  await run(Math.min(2000, calls));
  const before = cpuUsOf(process.pid);
  const sample = await run(calls);
  const result: PairResult = { sample, sdkUs: (cpuUsOf(process.pid) - before) / calls };
  await a.shutdown();
  await b.shutdown();
  process.send?.(result, () => process.exit(0));
}

/** One measured run against `url`: the pair's Sample plus engine and SDK CPU per call. */
function measure(url: string, inFlight: number): Promise<PairResult & { engineUs: number }> {
  return new Promise((resolve, reject) => {
    const before = cpuUsOf(process.pid);
    const child = fork(SELF, ['--pair', url, String(CALLS), String(inFlight)], { execArgv: ['--import', 'tsx'] });
    let engineAtEnd = 0;
    child.once('message', (m) => {
      engineAtEnd = cpuUsOf(process.pid);
      const r = m as PairResult;
      // Engine CPU covers the whole child run (connect, warm-up, measured calls): an upper bound per call.
      resolve({ ...r, engineUs: (engineAtEnd - before) / (CALLS + Math.min(2000, CALLS)) });
    });
    child.once('exit', (code) => {
      if (code !== 0) reject(new Error(`SDK pair exited ${code}`));
    });
    child.once('error', reject);
  });
}

async function main(): Promise<void> {
  const how = { tcp: 'over TCP loopback', unix: 'over Unix sockets', both: 'over a Unix socket vs over TCP loopback' }[TRANSPORT];
  console.log(`floor engine bench: ${CALLS} SDK calls per run (OpenTelemetry on), ${how}, ${ROUNDS} rounds per side\n${loadLine()}`);
  const dir = mkdtempSync(join(tmpdir(), 'triad-floor-'));
  const floor = await startFloorEngine(TRANSPORT === 'unix' ? join(dir, 'floor.sock') : undefined);
  const triad = await startEngine({
    logLevel: 'warn',
    workers: [
      { name: 'iii-worker-manager', config: { host: '127.0.0.1', port: 0, ...(UNIX ? { unix_socket: join(dir, 'triad.sock') } : {}) } },
    ],
  });
  const triadUrl = (UNIX ? triad.addresses['worker-unix'] : triad.addresses.worker) as string;
  // The baseline: the floor engine, or (`both`) Triad itself over TCP.
  const baseUrl = TRANSPORT === 'both' ? (triad.addresses.worker as string) : floor.url;
  const labels =
    TRANSPORT === 'both'
      ? { subject: 'triad, Unix socket', baseline: 'triad, TCP' }
      : { subject: 'triad engine', baseline: 'floor engine' };
  try {
    for (const inFlight of [1, 64]) {
      const floors: Array<PairResult & { engineUs: number }> = [];
      const triads: Array<PairResult & { engineUs: number }> = [];
      for (let r = 0; r < ROUNDS; r++) {
        // Alternate which side goes first, so a burst of load elsewhere does not land on one side only.
        if (r % 2 === 0) floors.push(await measure(baseUrl, inFlight));
        triads.push(await measure(triadUrl, inFlight));
        if (r % 2 === 1) floors.push(await measure(baseUrl, inFlight));
      }
      const med = (xs: Array<PairResult & { engineUs: number }>) =>
        [...xs].sort((p, q) => p.sample.throughput - q.sample.throughput)[Math.floor(xs.length / 2)] as PairResult & { engineUs: number };
      const f = med(floors);
      const t = med(triads);
      const goal = inFlight === 64 && TRANSPORT !== 'both' ? ' (goal: throughput ≥ 0.9×, p50 ≤ 1.2×)' : '';
      report(
        `iii-sdk A → engine → iii-sdk B → A ${how}, ${inFlight} in flight, median of ${ROUNDS} rounds${goal}`,
        t.sample,
        f.sample,
        labels,
      );
      console.log(cpuLine({ engine: t.engineUs, 'SDK pair': t.sdkUs }, f.engineUs, labels.baseline));
      console.log(
        `  SDK pair on the baseline ${f.sdkUs.toFixed(0)} µs per call (${labels.baseline}); ratio ${(t.sdkUs / f.sdkUs).toFixed(2)}×`,
      );
    }
  } finally {
    await triad.stop();
    await floor.close();
    rmSync(dir, { recursive: true, force: true });
  }
  console.log(loadLine());
}

if (process.argv.includes('--pair')) {
  const i = process.argv.indexOf('--pair');
  await runPair(process.argv[i + 1] ?? '', Number(process.argv[i + 2]), Number(process.argv[i + 3]));
} else {
  await main();
}
