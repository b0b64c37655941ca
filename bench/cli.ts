/**
 * The `iii` command line, each figure beside a baseline measured in the same run:
 *   1. `iii trigger <fn>` as a user runs it (a whole `node packages/cli/bin/iii.js` process: tsx,
 *      arg parsing, TCP probe, iii-sdk connect, call, sorted output, exit) vs a bare Node process that
 *      imports iii-sdk, connects, calls the same function and exits (the floor for any SDK-based CLI);
 *   2. local worker start through the supervisor (manifest read, install check, log files, process
 *      group) until its first output line vs a bare `spawn('sh', ['-c', …])` of the same command.
 * Loopback only, bounded counts.
 *
 *   node --import tsx bench/cli.ts [--calls 10] [--starts 20]
 */
import { spawn } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { type CliIO, projectPaths, Supervisor } from '@triad/cli/internal';
import { startEngine } from '@triad/engine';
import { report, summarise } from './lib/stats.ts';

function arg(name: string, fallback: number): number {
  const i = process.argv.indexOf(`--${name}`);
  return i >= 0 ? Number(process.argv[i + 1]) : fallback;
}
const CALLS = arg('calls', 10);
const STARTS = arg('starts', 20);
const BIN = new URL('../packages/cli/bin/iii.js', import.meta.url).pathname;
const ROOT = new URL('..', import.meta.url).pathname;

/** Run a process to completion; resolves with its duration in ms (rejects on non-zero exit). */
function timed(args: string[]): Promise<number> {
  const started = performance.now();
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, args, { cwd: ROOT, stdio: ['ignore', 'pipe', 'pipe'] });
    let err = '';
    child.stderr.on('data', (d: Buffer) => {
      err += d.toString();
    });
    child.stdout.resume();
    child.once('close', (code) => (code === 0 ? resolve(performance.now() - started) : reject(new Error(`exit ${code}: ${err}`))));
  });
}

async function sequential(n: number, run: () => Promise<number>): Promise<{ latencies: number[]; elapsed: number }> {
  const latencies: number[] = [];
  const started = performance.now();
  for (let i = 0; i < n; i++) latencies.push(await run());
  return { latencies, elapsed: performance.now() - started };
}

async function benchTrigger(): Promise<void> {
  const engine = await startEngine({ logLevel: 'warn', workers: [{ name: 'iii-worker-manager', config: { host: '127.0.0.1', port: 0 } }] });
  try {
    engine.api.registerFunction({ id: 'bench::echo', handler: (input) => ({ echoed: input }) });
    const url = engine.addresses.worker as string;
    const bare = `import { registerWorker } from 'iii-sdk';
const c = registerWorker(${JSON.stringify(url)}, { workerName: 'bench', otel: { enabled: false }, enableMetricsReporting: false, reconnectionConfig: { maxRetries: 0 } });
console.debug = () => {};
process.stdout.write(JSON.stringify(await c.trigger({ function_id: 'bench::echo', payload: { a: 1 } })) + '\\n');
await c.shutdown();`;
    // Warm the file cache once for each, so neither side pays the first cold read.
    await timed([BIN, 'trigger', 'bench::echo', 'a=1', '--url', url]);
    await timed(['--input-type=module', '-e', bare]);
    const cli = await sequential(CALLS, () => timed([BIN, 'trigger', 'bench::echo', 'a=1', '--url', url]));
    const base = await sequential(CALLS, () => timed(['--input-type=module', '-e', bare]));
    report(
      `1. iii trigger (whole process) vs bare iii-sdk process, ${CALLS} sequential calls`,
      summarise(cli.latencies, cli.elapsed),
      summarise(base.latencies, base.elapsed),
      { subject: 'iii trigger', baseline: 'node + iii-sdk' },
    );
  } finally {
    await engine.stop();
  }
}

async function benchWorkerStart(): Promise<void> {
  const dir = mkdtempSync(join(tmpdir(), 'triad-bench-cli-'));
  const start = 'echo up; exec sleep 60';
  try {
    const wdir = join(dir, 'w');
    mkdirSync(wdir);
    writeFileSync(join(wdir, 'iii.worker.yaml'), `name: w\nscripts:\n  start: ${start}\n`);
    const supervised = await sequential(STARTS, async () => {
      const started = performance.now();
      let firstLine: () => void = () => {};
      const seen = new Promise<void>((r) => {
        firstLine = r;
      });
      const io: CliIO = { out: (t) => t.includes('[w] up') && firstLine(), err: () => {} };
      const one = new Supervisor({
        paths: projectPaths(join(dir, 'config.yaml')),
        engineUrl: 'ws://127.0.0.1:1',
        io,
        env: { PATH: process.env.PATH ?? '' },
      });
      await one.reconcile([{ name: 'w', worker_path: wdir }]);
      await seen;
      const ms = performance.now() - started;
      await one.stopAll();
      return ms;
    });
    const bare = await sequential(STARTS, async () => {
      const started = performance.now();
      const child = spawn('sh', ['-c', start], { detached: true, stdio: ['ignore', 'pipe', 'ignore'] });
      await new Promise<void>((r) => child.stdout.once('data', () => r()));
      const ms = performance.now() - started;
      process.kill(-(child.pid as number), 'SIGKILL');
      await new Promise((r) => child.once('close', r));
      return ms;
    });
    report(
      `2. local worker start → first output line, ${STARTS} starts`,
      summarise(supervised.latencies, supervised.elapsed),
      summarise(bare.latencies, bare.elapsed),
      { subject: 'supervisor', baseline: 'bare spawn' },
    );
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

await benchTrigger();
await benchWorkerStart();
