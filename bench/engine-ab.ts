/**
 * Before/after for an engine change: the same Linkly redirect load (wrk on `GET /s/:code`, OpenTelemetry
 * on, click processing included) against the engine of this checkout ("after") and of another git ref
 * ("before", checked out into a temporary worktree that shares this checkout's node_modules), in one run
 * with alternating rounds, so both sides see the same machine. The workers are this checkout's in both.
 * Prints req/s and CPU µs per redirect (engine, link worker, all workers) per side and after/before, and
 * whether click processing kept up on each side: after every run the bench waits until each redirect's
 * click is in SQL and on the `clicks` stream (catch-up time, click → subscriber latency), and reports the
 * drain rate (clicks in SQL ÷ (run + catch-up)).
 *
 * `--transports`: instead of two checkouts, this checkout twice, its workers connected by `iii` over TCP
 * ("tcp", the default, `III_WORKER_TRANSPORT=tcp`) and over the engine's Unix socket ("unix",
 * `III_WORKER_TRANSPORT=unix`), same run.
 *
 *   node --import tsx bench/engine-ab.ts [--base main | --transports] [--duration 10] [--rounds 3] [--connections 64]
 */
import { execFileSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import type { IIIClient } from 'iii-sdk';
import { connect, createLink, type Linkly, REPO, startLinkly } from '../test/e2e/linkly-harness.ts';
import { checkout, shortSha } from './lib/checkout.ts';
import { type CatchUp, ClickWatcher, catchUpLine } from './lib/click-catchup.ts';
import { linklyPids } from './lib/linkly-pids.ts';
import { cpuUsOf, loadLine, requireWrk, type WrkResult, wrkWithCpu } from './lib/wrk.ts';

function arg(name: string, fallback: string): string {
  const i = process.argv.indexOf(`--${name}`);
  return i > 0 ? (process.argv[i + 1] as string) : fallback;
}
const BASE = arg('base', 'main');
const DURATION_S = Number(arg('duration', '10'));
const ROUNDS = Number(arg('rounds', '3'));
const CONNECTIONS = Number(arg('connections', '64'));
const TRANSPORTS = process.argv.includes('--transports');
const HEAD_CLI = join(REPO, 'packages/cli/bin/iii.js');

/**
 * `cpuUsPerRequest` covers the wrk run only; `cpuWithClicksUs` the run and the click catch-up after it, so a side
 * that leaves its clicks for later is not credited with the CPU it spends on them once the run is over.
 */
type Run = WrkResult & { cpuUsPerRequest: Record<string, number>; cpuWithClicksUs?: Record<string, number>; catchUp?: CatchUp };

/** Clicks per second landing in SQL over the run and its catch-up (the redirect rate when it keeps up). */
function drainRate(run: Run): number {
  const c = run.catchUp;
  if (!c) return Number.NaN;
  const ms = Number.isNaN(c.sqlMs) ? Number.NaN : c.sqlMs;
  return c.expected / (DURATION_S + ms / 1000);
}

async function boot(cli: string, workerTransport?: 'tcp' | 'unix'): Promise<Linkly> {
  const app = await startLinkly({ cli, env: { OTEL_ENABLED: 'true' }, ...(workerTransport ? { workerTransport } : {}) });
  const created = await createLink(app, { url: 'https://iii.dev', code: 'bench' });
  if (created.status !== 201) throw new Error(`POST /links answered ${created.status}`);
  return app;
}

const median = (xs: number[]): number => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)] ?? Number.NaN;

function line(
  label: string,
  runs: Run[],
): { rps: number; engine: number; link: number; workers: number; engineAll: number; workersAll: number } {
  const m = {
    rps: median(runs.map((r) => r.throughput)),
    engine: median(runs.map((r) => r.cpuUsPerRequest.engine ?? Number.NaN)),
    link: median(runs.map((r) => r.cpuUsPerRequest['link worker'] ?? Number.NaN)),
    workers: median(runs.map((r) => r.cpuUsPerRequest['all workers'] ?? Number.NaN)),
    engineAll: median(runs.map((r) => r.cpuWithClicksUs?.engine ?? Number.NaN)),
    workersAll: median(runs.map((r) => r.cpuWithClicksUs?.['all workers'] ?? Number.NaN)),
  };
  const rounds = runs.map((r) => `${r.throughput.toFixed(0)}/s ${(r.cpuUsPerRequest.engine ?? 0).toFixed(0)} µs`).join(', ');
  console.log(
    `  ${label.padEnd(8)} ${m.rps.toFixed(0).padStart(6)} req/s   CPU/redirect: engine ${m.engine.toFixed(0)} µs, link worker ${m.link.toFixed(0)} µs, all workers ${m.workers.toFixed(0)} µs   (rounds: ${rounds})\n` +
      `  ${''.padEnd(8)} with the click catch-up after the run: engine ${m.engineAll.toFixed(0)} µs, all workers ${m.workersAll.toFixed(0)} µs per redirect`,
  );
  return m;
}

async function main(): Promise<void> {
  requireWrk();
  const head = execFileSync('git', ['-C', REPO, 'rev-parse', '--short', 'HEAD'], { encoding: 'utf8' }).trim();
  const here = `this checkout (${head}${dirty() ? ', uncommitted changes' : ''})`;
  const what = TRANSPORTS
    ? `workers over TCP vs over the Unix socket, both ${here}`
    : `before ${BASE} (${shortSha(BASE)}) vs after ${here}`;
  console.log(`engine-ab: ${what}; wrk -t2 -c${CONNECTIONS} -d${DURATION_S}s × ${ROUNDS} rounds per side, alternating\n${loadLine()}`);
  const [B, A] = TRANSPORTS ? ['tcp', 'unix'] : ['before', 'after'];
  const base = TRANSPORTS ? undefined : checkout(BASE);
  const apps: Linkly[] = [];
  const watchers: ClickWatcher[] = [];
  const clients: IIIClient[] = [];
  try {
    const before = base ? await boot(base.cli) : await boot(HEAD_CLI, 'tcp');
    apps.push(before);
    const after = await boot(HEAD_CLI, TRANSPORTS ? 'unix' : undefined);
    apps.push(after);
    const sides = await Promise.all(
      [before, after].map(async (app) => {
        const client = connect(app);
        clients.push(client);
        const watcher = await ClickWatcher.start(app.streamUrl, client, 'bench');
        watchers.push(watcher);
        return { app, pids: linklyPids(app), runs: [] as Run[], watcher };
      }),
    );
    // Each run is followed by waiting for its clicks, so the next run (either side) starts with no backlog.
    const run = async (s: (typeof sides)[number], durationS: number): Promise<Run> => {
      const mark = await s.watcher.mark();
      const cpu = (): Record<string, number> =>
        Object.fromEntries(Object.entries(s.pids).map(([k, list]) => [k, list.reduce((a, p) => a + cpuUsOf(p), 0)]));
      const before = cpu();
      const r: Run = await wrkWithCpu(`${s.app.api}/s/bench`, s.pids, { connections: CONNECTIONS, durationS });
      r.catchUp = await s.watcher.catchUp(mark, r.requests - r.errors, performance.now());
      const after = cpu();
      r.cpuWithClicksUs = Object.fromEntries(
        Object.keys(after).map((k) => [k, ((after[k] ?? 0) - (before[k] ?? 0)) / Math.max(1, r.requests)]),
      );
      return r;
    };
    for (const s of sides) await run(s, 2);
    for (let r = 0; r < ROUNDS; r++) {
      // Alternate which side goes first.
      for (const s of r % 2 === 0 ? sides : [...sides].reverse()) {
        const res = await run(s, DURATION_S);
        s.runs.push(res);
        if (res.catchUp)
          console.log(
            `round ${r + 1} ${s === sides[0] ? B : A}: ${res.throughput.toFixed(0)} req/s, drain ${drainRate(res).toFixed(0)} clicks/s\n${catchUpLine(res.catchUp)}`,
          );
      }
    }
    console.log(`\nGET /s/:code under wrk, medians of ${ROUNDS} rounds`);
    const b = line(B, sides[0]?.runs ?? []);
    const a = line(A, sides[1]?.runs ?? []);
    const clicks = (runs: Run[]) => ({
      drain: median(runs.map(drainRate)),
      sql: median(runs.map((r) => r.catchUp?.sqlMs ?? Number.NaN)),
      stream: median(runs.map((r) => r.catchUp?.streamMs ?? Number.NaN)),
      p99: median(runs.map((r) => r.catchUp?.p99 ?? Number.NaN)),
    });
    const cb = clicks(sides[0]?.runs ?? []);
    const ca = clicks(sides[1]?.runs ?? []);
    const secs = (ms: number) => (Number.isNaN(ms) ? 'not within 60 s' : `${(ms / 1000).toFixed(2)} s`);
    for (const [label, c] of [
      [B, cb],
      [A, ca],
    ] as const)
      console.log(
        `  ${label.padEnd(8)} clicks: drain ${c.drain.toFixed(0)}/s, all in SQL ${secs(c.sql)} and on the stream ${secs(c.stream)} after the run, click → subscriber p99 ${c.p99.toFixed(0)} ms`,
      );
    console.log(
      `  ${A}/${B}: click drain rate ${(ca.drain / cb.drain).toFixed(2)}×, catch-up (stream) ${(ca.stream / cb.stream).toFixed(2)}×, p99 ${(ca.p99 / cb.p99).toFixed(2)}×`,
    );
    console.log(
      `  ${A}/${B}: throughput ${(a.rps / b.rps).toFixed(2)}×, engine CPU/redirect ${(a.engine / b.engine).toFixed(2)}×, link worker ${(a.link / b.link).toFixed(2)}×, all workers ${(a.workers / b.workers).toFixed(2)}×`,
    );
    console.log(
      `  after/before, CPU with the click catch-up: engine ${(a.engineAll / b.engineAll).toFixed(2)}×, all workers ${(a.workersAll / b.workersAll).toFixed(2)}×; sustained redirects/s (clicks ÷ (run + catch-up)) ${(ca.drain / cb.drain).toFixed(2)}×`,
    );
  } finally {
    for (const w of watchers) w.stop();
    for (const c of clients) await c.shutdown();
    for (const app of apps) {
      await app.stop();
      app.remove();
    }
    base?.remove();
  }
  console.log(loadLine());
}

function dirty(): boolean {
  return execFileSync('git', ['-C', REPO, 'status', '--porcelain', '--untracked-files=no'], { encoding: 'utf8' }).trim() !== '';
}

if (!existsSync(HEAD_CLI)) throw new Error('run from a Triad checkout');
await main();
