/**
 * HTTP trigger throughput and latency: `GET /s/:code` answered with a 302 by a real iii-sdk worker
 * through the engine's `http` module, beside a bare `node:http` server answering the same 302,
 * both driven by the same keep-alive load generator in the same run.
 *
 * Layout (as deployed): the engine and the bare server run in this process's event loop; the SDK
 * worker is a child process (workers are separate processes); the load generator is another child
 * process so it does not share an event loop with either server. Loopback only, bounded counts.
 *
 *   node --import tsx bench/http.ts [--requests 20000] [--connections 32] [--rounds 2]
 *
 * BENCH_PROF=1 also writes a CPU profile of the SDK worker to the current directory.
 */
import { fork } from 'node:child_process';
import { Agent, createServer, request } from 'node:http';
import type { AddressInfo } from 'node:net';
import { startEngine } from '@triad/engine';
import { registerWorker } from 'iii-sdk';
import { report, type Sample, summarise } from './lib/stats.ts';

function arg(name: string, fallback: number): number {
  const i = process.argv.indexOf(`--${name}`);
  return i >= 0 ? Number(process.argv[i + 1]) : fallback;
}

const REQUESTS = arg('requests', 20_000);
const CONNECTIONS = arg('connections', 32);
const ROUNDS = arg('rounds', 2);
const WARMUP = Math.min(2_000, REQUESTS);
const LOCATION = 'https://example.com/target';
const SELF = new URL(import.meta.url).pathname;

interface LoadJob {
  url: string;
  requests: number;
  connections: number;
}

/** Load generator (child process): `connections` keep-alive loops share a bounded request budget. */
async function generate(job: LoadJob): Promise<{ latencies: number[]; elapsedMs: number; errors: number }> {
  const agent = new Agent({ keepAlive: true, maxSockets: job.connections });
  const latencies: number[] = [];
  let issued = 0;
  let errors = 0;
  const once = (): Promise<void> =>
    new Promise((resolve) => {
      const t0 = performance.now();
      const req = request(job.url, { agent }, (res) => {
        res.resume();
        res.on('end', () => {
          if (res.statusCode === 302 && res.headers.location === LOCATION) latencies.push(performance.now() - t0);
          else errors++;
          resolve();
        });
      });
      req.on('error', () => {
        errors++;
        resolve();
      });
      req.end();
    });
  const loop = async (): Promise<void> => {
    while (issued < job.requests) {
      issued++;
      await once();
    }
  };
  const start = performance.now();
  await Promise.all(Array.from({ length: job.connections }, loop));
  const elapsedMs = performance.now() - start;
  agent.destroy();
  return { latencies, elapsedMs, errors };
}

function runLoad(url: string, requests: number): Promise<Sample & { errors: number }> {
  return new Promise((resolve, reject) => {
    const job: LoadJob = { url, requests, connections: CONNECTIONS };
    const child = fork(SELF, ['--load-gen', JSON.stringify(job)], { execArgv: ['--import', 'tsx'] });
    child.once('message', (m) => {
      const r = m as { latencies: number[]; elapsedMs: number; errors: number };
      resolve({ ...summarise(r.latencies, r.elapsedMs), errors: r.errors });
    });
    child.once('error', reject);
  });
}

/** The bare baseline: the same 302 a Linkly redirect produces (location, JSON content type, `{}`). */
async function startBaseline(): Promise<Target> {
  const server = createServer((_req, res) => {
    const body = '{}';
    res.writeHead(302, { location: LOCATION, 'content-type': 'application/json', 'content-length': body.length });
    res.end(body);
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}/s/abc123`,
    cpu: async () => ({ server: cpuUs(), worker: 0 }),
    close: () =>
      new Promise((r) => {
        server.closeAllConnections();
        server.close(() => r());
      }),
  };
}

/** Child process: the SDK worker that owns `bench::redirect`. */
function runSdkWorker(engineUrl: string): void {
  const worker = registerWorker(engineUrl, { workerName: 'bench-http', otel: { enabled: false }, enableMetricsReporting: false });
  worker.registerFunction('bench::redirect', async () => ({ status_code: 302, headers: { Location: LOCATION } }));
  process.on('message', (m) => {
    if (m === 'cpu') process.send?.({ cpuUs: cpuUs() });
    if (m === 'stop') void worker.shutdown().then(() => process.exit(0));
  });
}

function cpuUs(): number {
  const u = process.cpuUsage();
  return u.user + u.system;
}

interface Target {
  url: string;
  /** CPU µs used so far by the processes serving requests (engine/bare server + SDK worker). */
  cpu(): Promise<{ server: number; worker: number }>;
  close(): Promise<void>;
}

async function startTriad(): Promise<Target> {
  const engine = await startEngine({
    logLevel: 'warn',
    workers: [
      { name: 'iii-worker-manager', config: { host: '127.0.0.1', port: 0 } },
      { name: 'http', config: { host: '127.0.0.1', port: 0 } },
    ],
  });
  const child = fork(SELF, ['--sdk-worker', engine.addresses.worker ?? ''], {
    execArgv: ['--import', 'tsx', ...(process.env.BENCH_PROF ? ['--cpu-prof'] : [])],
  });
  const deadline = Date.now() + 30_000;
  while (!engine.api.hasFunction('bench::redirect')) {
    if (Date.now() > deadline) throw new Error('the SDK worker did not register bench::redirect');
    await new Promise((r) => setTimeout(r, 20));
  }
  await engine.api.invoke('engine::register_trigger', {
    trigger_type: 'http',
    function_id: 'bench::redirect',
    config: { api_path: '/s/:code', http_method: 'GET' },
    metadata: null,
  });
  return {
    url: `${engine.addresses.http}/s/abc123`,
    cpu: () =>
      new Promise((resolve) => {
        child.once('message', (m) => resolve({ server: cpuUs(), worker: (m as { cpuUs: number }).cpuUs }));
        child.send('cpu');
      }),
    close: async () => {
      const exited = new Promise((r) => child.once('exit', r));
      child.send('stop');
      await exited;
      await engine.stop();
    },
  };
}

/** One bounded load run, with the serving processes' CPU time per request. */
async function measure(target: Target, requests: number): Promise<Sample & { errors: number; serverUs: number; workerUs: number }> {
  const before = await target.cpu();
  const sample = await runLoad(target.url, requests);
  const after = await target.cpu();
  return { ...sample, serverUs: (after.server - before.server) / requests, workerUs: (after.worker - before.worker) / requests };
}

async function main(): Promise<void> {
  console.log(`http bench: ${REQUESTS} requests × ${ROUNDS} rounds, ${CONNECTIONS} keep-alive connections, loopback`);
  const baseline = await startBaseline();
  const triad = await startTriad();
  try {
    await runLoad(baseline.url, WARMUP);
    await runLoad(triad.url, WARMUP);
    const results: Array<{ triad: Sample; base: Sample }> = [];
    for (let round = 1; round <= ROUNDS; round++) {
      const base = await measure(baseline, REQUESTS);
      const t = await measure(triad, REQUESTS);
      if (base.errors + t.errors > 0) console.log(`  round ${round}: errors baseline=${base.errors} triad=${t.errors}`);
      results.push({ triad: t, base });
      report(`round ${round}: GET /s/:code → 302`, t, base, { subject: 'triad http + iii-sdk', baseline: 'bare node:http' });
      // CPU per request does not depend on how busy the machine is, unlike throughput on a shared host.
      console.log(
        `  cpu per request        engine ${t.serverUs.toFixed(0)} µs + SDK worker ${t.workerUs.toFixed(0)} µs   bare server ${base.serverUs.toFixed(0)} µs   engine/bare ${(t.serverUs / base.serverUs).toFixed(2)}×`,
      );
    }
    const best = results.reduce((a, b) => (b.triad.throughput / b.base.throughput > a.triad.throughput / a.base.throughput ? b : a));
    report('best round (goal: throughput ≥ 0.5× the bare server)', best.triad, best.base, {
      subject: 'triad http + iii-sdk',
      baseline: 'bare node:http',
    });
  } finally {
    await triad.close();
    await baseline.close();
  }
}

if (process.argv.includes('--load-gen')) {
  const job = JSON.parse(process.argv[process.argv.indexOf('--load-gen') + 1] ?? '{}') as LoadJob;
  void generate(job).then((r) => process.send?.(r, () => process.exit(0)));
} else if (process.argv.includes('--sdk-worker')) {
  runSdkWorker(process.argv[process.argv.indexOf('--sdk-worker') + 1] ?? '');
} else {
  await main();
}
