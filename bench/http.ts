/**
 * HTTP trigger throughput and latency: `GET /s/:code` answered with a 302 by a real iii-sdk worker
 * through the engine's `http` module, beside a bare `node:http` server answering the same 302,
 * both driven by wrk (a separate C process, so the load generator is not the bottleneck) in the same run,
 * with CPU per request from /proc/<pid>/stat (utime+stime delta over the wrk run ÷ requests served).
 *
 * Layout (as deployed): the engine and the bare server run in this process's event loop (each is idle
 * while the other is measured); the SDK worker is a child process (workers are separate processes).
 * Needs wrk (apt-get install wrk).
 *
 *   node --import tsx bench/http.ts [--duration 10] [--connections 64] [--rounds 2]
 *
 * BENCH_PROF=1 also writes a CPU profile of the SDK worker to the current directory.
 */
import { fork } from 'node:child_process';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { startEngine } from '@triad/engine';
import { registerWorker } from 'iii-sdk';
import { report } from './lib/stats.ts';
import { cpuLine, loadLine, requireWrk, type WrkResult, wrkWithCpu } from './lib/wrk.ts';

function arg(name: string, fallback: number): number {
  const i = process.argv.indexOf(`--${name}`);
  return i >= 0 ? Number(process.argv[i + 1]) : fallback;
}

const DURATION_S = arg('duration', 10);
const CONNECTIONS = arg('connections', 64);
const ROUNDS = arg('rounds', 2);
const LOCATION = 'https://example.com/target';
const SELF = new URL(import.meta.url).pathname;

/** The bare baseline: the same 302 a Linkly redirect produces (a location, no body since the handler gives none). */
async function startBaseline(): Promise<Target> {
  const server = createServer((_req, res) => {
    res.writeHead(302, { location: LOCATION });
    res.end();
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}/s/abc123`,
    pids: { server: [process.pid] },
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
    if (m === 'stop') void worker.shutdown().then(() => process.exit(0));
  });
}

interface Target {
  url: string;
  /** The processes serving requests: the engine (or bare server) and the SDK worker. */
  pids: Record<string, number[]>;
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
    pids: { engine: [process.pid], 'SDK worker': [child.pid ?? 0] },
    close: async () => {
      const exited = new Promise((r) => child.once('exit', r));
      child.send('stop');
      await exited;
      await engine.stop();
    },
  };
}

/** One wrk run with the serving processes' CPU time per request. */
function measure(target: Target, durationS = DURATION_S): Promise<WrkResult & { cpuUsPerRequest: Record<string, number> }> {
  return wrkWithCpu(target.url, target.pids, { threads: 2, connections: CONNECTIONS, durationS });
}

async function main(): Promise<void> {
  requireWrk();
  console.log(`http bench: wrk -t2 -c${CONNECTIONS} -d${DURATION_S}s × ${ROUNDS} rounds per side, loopback\n${loadLine()}`);
  const baseline = await startBaseline();
  const triad = await startTriad();
  try {
    await measure(baseline, 2);
    await measure(triad, 2);
    for (let round = 1; round <= ROUNDS; round++) {
      const base = await measure(baseline);
      const t = await measure(triad);
      if (base.errors + t.errors > 0) console.log(`  round ${round}: errors baseline=${base.errors} triad=${t.errors}`);
      report(`round ${round}: GET /s/:code → 302 (goal: throughput ≥ 0.5× the bare server)`, t, base, {
        subject: 'triad http + iii-sdk',
        baseline: 'bare node:http',
      });
      // CPU per request depends far less on how busy the machine is than throughput does.
      console.log(cpuLine(t.cpuUsPerRequest, base.cpuUsPerRequest.server ?? Number.NaN));
    }
  } finally {
    await triad.close();
    await baseline.close();
  }
  console.log(loadLine());
}

if (process.argv.includes('--sdk-worker')) {
  runSdkWorker(process.argv[process.argv.indexOf('--sdk-worker') + 1] ?? '');
} else {
  await main();
}
