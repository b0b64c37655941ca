/**
 * Before/after for an engine change: the same Linkly redirect load (wrk on `GET /s/:code`, OpenTelemetry
 * on, click processing included) against the engine of this checkout ("after") and of another git ref
 * ("before", checked out into a temporary worktree that shares this checkout's node_modules), in one run
 * with alternating rounds, so both sides see the same machine. The workers are this checkout's in both.
 * Prints req/s and CPU µs per redirect (engine, link worker, all workers) per side and after/before.
 *
 *   node --import tsx bench/engine-ab.ts [--base main] [--duration 10] [--rounds 3] [--connections 64]
 */
import { execFileSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { createLink, type Linkly, REPO, startLinkly } from '../test/e2e/linkly-harness.ts';
import { checkout, shortSha } from './lib/checkout.ts';
import { descendants, loadLine, requireWrk, type WrkResult, wrkWithCpu } from './lib/wrk.ts';

function arg(name: string, fallback: string): string {
  const i = process.argv.indexOf(`--${name}`);
  return i > 0 ? (process.argv[i + 1] as string) : fallback;
}
const BASE = arg('base', 'main');
const DURATION_S = Number(arg('duration', '10'));
const ROUNDS = Number(arg('rounds', '3'));
const CONNECTIONS = Number(arg('connections', '64'));

type Run = WrkResult & { cpuUsPerRequest: Record<string, number> };

function pidsOf(app: Linkly): Record<string, number[]> {
  const engine = app.pid ?? 0;
  const workers = descendants(engine);
  const link = workers.filter((w) => w.comm.startsWith('node') && /\/link\/?$/.test(w.cwd)).map((w) => w.pid);
  return { engine: [engine], 'link worker': link, 'all workers': workers.map((w) => w.pid) };
}

async function boot(cli: string): Promise<Linkly> {
  const app = await startLinkly({ cli, env: { OTEL_ENABLED: 'true' } });
  const created = await createLink(app, { url: 'https://iii.dev', code: 'bench' });
  if (created.status !== 201) throw new Error(`POST /links answered ${created.status}`);
  return app;
}

const median = (xs: number[]): number => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)] ?? Number.NaN;

function line(label: string, runs: Run[]): { rps: number; engine: number; link: number; workers: number } {
  const m = {
    rps: median(runs.map((r) => r.throughput)),
    engine: median(runs.map((r) => r.cpuUsPerRequest.engine ?? Number.NaN)),
    link: median(runs.map((r) => r.cpuUsPerRequest['link worker'] ?? Number.NaN)),
    workers: median(runs.map((r) => r.cpuUsPerRequest['all workers'] ?? Number.NaN)),
  };
  const rounds = runs.map((r) => `${r.throughput.toFixed(0)}/s ${(r.cpuUsPerRequest.engine ?? 0).toFixed(0)} µs`).join(', ');
  console.log(
    `  ${label.padEnd(8)} ${m.rps.toFixed(0).padStart(6)} req/s   CPU/redirect: engine ${m.engine.toFixed(0)} µs, link worker ${m.link.toFixed(0)} µs, all workers ${m.workers.toFixed(0)} µs   (rounds: ${rounds})`,
  );
  return m;
}

async function main(): Promise<void> {
  requireWrk();
  const head = execFileSync('git', ['-C', REPO, 'rev-parse', '--short', 'HEAD'], { encoding: 'utf8' }).trim();
  const baseSha = shortSha(BASE);
  console.log(
    `engine-ab: before ${BASE} (${baseSha}) vs after this checkout (${head}${dirty() ? ', uncommitted changes' : ''}); wrk -t2 -c${CONNECTIONS} -d${DURATION_S}s × ${ROUNDS} rounds per side, alternating\n${loadLine()}`,
  );
  const base = checkout(BASE);
  const apps: Linkly[] = [];
  try {
    const before = await boot(base.cli);
    apps.push(before);
    const after = await boot(join(REPO, 'packages/cli/bin/iii.js'));
    apps.push(after);
    const sides = [
      { app: before, pids: pidsOf(before), runs: [] as Run[] },
      { app: after, pids: pidsOf(after), runs: [] as Run[] },
    ];
    for (const s of sides) await wrkWithCpu(`${s.app.api}/s/bench`, s.pids, { connections: CONNECTIONS, durationS: 2 });
    for (let r = 0; r < ROUNDS; r++) {
      // Alternate which side goes first, so neither always runs right after the other's click backlog.
      for (const s of r % 2 === 0 ? sides : [...sides].reverse())
        s.runs.push(await wrkWithCpu(`${s.app.api}/s/bench`, s.pids, { connections: CONNECTIONS, durationS: DURATION_S }));
    }
    console.log(`\nGET /s/:code under wrk, medians of ${ROUNDS} rounds`);
    const b = line('before', sides[0]?.runs ?? []);
    const a = line('after', sides[1]?.runs ?? []);
    console.log(
      `  after/before: throughput ${(a.rps / b.rps).toFixed(2)}×, engine CPU/redirect ${(a.engine / b.engine).toFixed(2)}×, link worker ${(a.link / b.link).toFixed(2)}×, all workers ${(a.workers / b.workers).toFixed(2)}×`,
    );
  } finally {
    for (const app of apps) {
      await app.stop();
      app.remove();
    }
    base.remove();
  }
  console.log(loadLine());
}

function dirty(): boolean {
  return execFileSync('git', ['-C', REPO, 'status', '--porcelain', '--untracked-files=no'], { encoding: 'utf8' }).trim() !== '';
}

if (!existsSync(join(REPO, 'packages/cli/bin/iii.js'))) throw new Error('run from a Triad checkout');
await main();
