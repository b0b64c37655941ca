/**
 * `state::get` through the real engine, and what input validation costs on that path.
 *
 * 1. End to end: a raw protocol client in a separate process calls `state::get` (sequential, then 64 in
 *    flight) on an engine running in this process, beside `bench::get`, an in-process function reading
 *    the same kind of value with no input validation and no store, measured in the same run. The ratio is
 *    the state module's whole cost (input parse, kv read, error guard) over the bare call path; the engine's
 *    CPU time per call is printed too (it moves less than throughput on a shared machine). A real iii-sdk
 *    client is measured as well (informative).
 * 2. In process: parsing one `state::get` input with the hand-written schema builder Triad used before
 *    zod (bench/lib/hand-schema.ts, kept as this baseline) vs zod 4, and with the engine's own `getInput`.
 *
 *   node --import tsx bench/state-get.ts [--calls 20000] [--rounds 3] [--parses 500000]
 */
import { fork } from 'node:child_process';
import { startEngine, z } from '@triad/engine';
import { parseInput, stateGetInput } from '@triad/engine/internal';
import { registerWorker } from 'iii-sdk';

import { s as hand } from './lib/hand-schema.ts';
import { drive, open } from './lib/protocol-client.ts';
import { load, report, type Sample } from './lib/stats.ts';

function arg(name: string, fallback: number): number {
  const i = process.argv.indexOf(`--${name}`);
  return i >= 0 ? Number(process.argv[i + 1]) : fallback;
}
const CALLS = arg('calls', 20_000);
const ROUNDS = arg('rounds', 3);
const PARSES = arg('parses', 500_000);
const SELF = new URL(import.meta.url).pathname;
const INPUT = { scope: 'bench', key: 'k' };

type Job = { url: string; functionId: string; calls: number; inFlight: number; sdk: boolean };

/** Load generator (child process): one bounded run against one function. */
async function generate(job: Job, warmedUp: () => void): Promise<Sample> {
  if (!job.sdk) {
    const ws = await open(job.url);
    await drive(ws, job.functionId, () => INPUT, Math.min(2000, job.calls), job.inFlight);
    warmedUp();
    const s = await drive(ws, job.functionId, () => INPUT, job.calls, job.inFlight);
    ws.close();
    return s;
  }
  const w = registerWorker(job.url, { workerName: 'bench-state-get', otel: { enabled: false }, enableMetricsReporting: false });
  const run = (n: number): Promise<Sample> => load(n, job.inFlight, () => w.trigger({ function_id: job.functionId, payload: INPUT }));
  await run(Math.min(1000, job.calls));
  warmedUp();
  const s = await run(job.calls);
  await w.shutdown();
  return s;
}

function cpuUs(): number {
  const u = process.cpuUsage();
  return u.user + u.system;
}

/** Runs one job in a fresh child process; returns its sample and this (engine) process's CPU µs per call. */
function measure(job: Job): Promise<Sample & { cpuUs: number }> {
  return new Promise((resolve, reject) => {
    const child = fork(SELF, ['--load-gen', JSON.stringify(job)], { execArgv: ['--import', 'tsx'] });
    let cpu0 = 0;
    child.on('message', (m) => {
      const msg = m as { warm?: boolean; sample?: Sample; error?: string };
      if (msg.warm) cpu0 = cpuUs();
      if (msg.error) reject(new Error(msg.error));
      if (msg.sample) resolve({ ...msg.sample, cpuUs: (cpuUs() - cpu0) / job.calls });
    });
    child.once('error', reject);
  });
}

/** ns per parse for each function: passes interleaved (so machine noise hits all alike), best pass kept. */
function nsPerParse(fns: ReadonlyArray<() => unknown>): number[] {
  for (const fn of fns) for (let i = 0; i < 20_000; i++) fn(); // warm-up (JIT)
  const best = fns.map(() => Number.POSITIVE_INFINITY);
  for (let pass = 0; pass < 5; pass++) {
    fns.forEach((fn, k) => {
      const t0 = process.hrtime.bigint();
      for (let i = 0; i < PARSES; i++) fn();
      best[k] = Math.min(best[k] as number, Number(process.hrtime.bigint() - t0) / PARSES);
    });
  }
  return best;
}

async function endToEnd(url: string): Promise<number> {
  let perCallUs = 0;
  for (const inFlight of [1, 64]) {
    const label = inFlight === 1 ? 'sequential' : `${inFlight} in flight`;
    const ratios: number[] = [];
    const cpuRatios: number[] = [];
    for (let round = 1; round <= ROUNDS; round++) {
      const base = await measure({ url, functionId: 'bench::get', calls: CALLS, inFlight, sdk: false });
      const state = await measure({ url, functionId: 'state::get', calls: CALLS, inFlight, sdk: false });
      report(`round ${round}: state::get, ${label} (raw protocol client, separate process)`, state, base, {
        subject: 'state::get',
        baseline: 'bench::get (no parse)',
      });
      console.log(
        `  engine cpu per call    state::get ${state.cpuUs.toFixed(1)} µs   bench::get ${base.cpuUs.toFixed(1)} µs   ratio ${(state.cpuUs / base.cpuUs).toFixed(2)}×`,
      );
      ratios.push(state.throughput / base.throughput);
      cpuRatios.push(state.cpuUs / base.cpuUs);
      if (inFlight === 64) perCallUs = Math.max(perCallUs, 1e6 / state.throughput);
    }
    const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)] as number;
    console.log(
      `\n  ${label}: median throughput ratio ${median(ratios).toFixed(3)}×, median engine-cpu ratio ${median(cpuRatios).toFixed(3)}× (state::get / bench::get)`,
    );
  }
  for (const inFlight of [1, 64]) {
    const s = await measure({ url, functionId: 'state::get', calls: CALLS, inFlight, sdk: true });
    console.log(
      `\nreal iii-sdk client, ${inFlight === 1 ? 'sequential' : `${inFlight} in flight`}: ${s.throughput.toFixed(0)} calls/s, p50 ${s.p50.toFixed(3)} ms, p99 ${s.p99.toFixed(3)} ms, engine cpu ${s.cpuUs.toFixed(1)} µs/call`,
    );
  }
  return perCallUs;
}

function parseCost(perCallUs: number): void {
  const handSchema = hand.looseObject({ scope: hand.string(), key: hand.string() });
  const zodSchema = z.looseObject({ scope: z.string(), key: z.string() });
  const [ours = 0, zod = 0, engine = 0] = nsPerParse([
    () => handSchema.parse(INPUT),
    () => zodSchema.safeParse(INPUT),
    () => parseInput(stateGetInput, INPUT, 'state::get'),
  ]);
  console.log(`\nparse one state::get input, in process (${PARSES} parses, best of 5 interleaved passes)`);
  console.log(`  hand-written s (before)  ${ours.toFixed(0)} ns`);
  console.log(`  zod 4                    ${zod.toFixed(0)} ns   ratio ${(zod / ours).toFixed(2)}× the hand-written one`);
  console.log(`  engine's parseInput      ${engine.toFixed(0)} ns   (what state::get runs now)`);
  if (perCallUs > 0)
    console.log(
      `  zod − hand-written = ${(zod - ours).toFixed(0)} ns = ${((100 * (zod - ours)) / (perCallUs * 1000)).toFixed(2)} % of one state::get at 64 in flight (${perCallUs.toFixed(1)} µs per call)`,
    );
}

async function main(): Promise<void> {
  const engine = await startEngine({
    logLevel: 'warn',
    workers: [{ name: 'iii-worker-manager', config: { host: '127.0.0.1', port: 0 } }, { name: 'state' }],
  });
  try {
    await engine.api.invoke('state::set', { ...INPUT, value: { url: 'https://example.com/a', clicks: 0 } });
    const table = new Map([['bench/k', { url: 'https://example.com/a', clicks: 0 }]]);
    engine.api.registerFunction({
      id: 'bench::get',
      handler: (input) => {
        const i = input as { scope: string; key: string };
        return table.get(`${i.scope}/${i.key}`) ?? null;
      },
    });
    console.log(`state::get: ${CALLS} calls per figure × ${ROUNDS} rounds, node ${process.version}`);
    const perCallUs = await endToEnd(engine.addresses.worker as string);
    parseCost(perCallUs);
  } finally {
    await engine.stop();
  }
}

if (process.argv.includes('--load-gen')) {
  const job = JSON.parse(process.argv[process.argv.indexOf('--load-gen') + 1] ?? '{}') as Job;
  generate(job, () => process.send?.({ warm: true })).then(
    (sample) => process.send?.({ sample }, () => process.exit(0)),
    (err: unknown) => process.send?.({ error: String(err) }, () => process.exit(1)),
  );
} else {
  await main();
}
