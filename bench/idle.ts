/**
 * The idle engine (issue 10: flat memory, under 1 % CPU): starts Linkly as `npm start` runs it (the `iii`
 * CLI, every worker, OpenTelemetry on), sends no traffic for `--minutes`, and samples every process from
 * /proc every `--interval` seconds: RSS, CPU time and voluntary context switches (≈ wake-ups). The V8 heap
 * after a full GC is read at the start and the end (bench/lib/heap-sample-preload.mjs, on SIGUSR2, outside
 * the CPU window). Prints per process CPU %, wake-ups/s, RSS and heap slope, beside a bare `node` process
 * idling with one 10 s interval timer (the baseline: what an idle Node process costs on this machine).
 *
 *   node --import tsx bench/idle.ts [--minutes 10] [--interval 10] [--settle 20] [--base <git ref>]
 *
 * `--base` also runs Linkly on that ref's engine, idling in the same window (before/after for the engine).
 */
import { spawn } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { connect, type Linkly, startLinkly } from '../test/e2e/linkly-harness.ts';
import { checkout } from './lib/checkout.ts';
import { cpuUsOf, descendants, loadLine } from './lib/wrk.ts';

function arg(name: string, fallback: number): number {
  const i = process.argv.indexOf(`--${name}`);
  return i >= 0 ? Number(process.argv[i + 1]) : fallback;
}
const MINUTES = arg('minutes', 10);
const INTERVAL_S = arg('interval', 10);
/** Seconds to wait after boot before measuring (workers finish compiling, first metrics go out). */
const SETTLE_S = arg('settle', 20);
const BASE = (() => {
  const i = process.argv.indexOf('--base');
  return i >= 0 ? process.argv[i + 1] : undefined;
})();
const PRELOAD = new URL('./lib/heap-sample-preload.mjs', import.meta.url).pathname;

interface Proc {
  pid: number;
  label: string;
}

interface Series {
  t: number[];
  rssKb: number[];
  cpuUs: number[];
  wakeups: number[];
}

function status(pid: number): { rssKb: number; wakeups: number } {
  try {
    const s = readFileSync(`/proc/${pid}/status`, 'utf8');
    return {
      rssKb: Number(/^VmRSS:\s+(\d+)/m.exec(s)?.[1] ?? Number.NaN),
      wakeups: Number(/^voluntary_ctxt_switches:\s+(\d+)/m.exec(s)?.[1] ?? Number.NaN),
    };
  } catch {
    return { rssKb: Number.NaN, wakeups: Number.NaN };
  }
}

/** Least-squares slope of y over x. */
function slope(x: number[], y: number[]): number {
  const n = x.length;
  const mx = x.reduce((a, b) => a + b, 0) / n;
  const my = y.reduce((a, b) => a + b, 0) / n;
  let num = 0;
  let den = 0;
  for (let i = 0; i < n; i++) {
    num += ((x[i] as number) - mx) * ((y[i] as number) - my);
    den += ((x[i] as number) - mx) ** 2;
  }
  return den === 0 ? 0 : num / den;
}

/** What the observability stores hold (spans, logs, metric points): the bounded structures that fill while idle. */
async function stored(app: Linkly): Promise<string> {
  const client = connect(app);
  try {
    const h = (await client.trigger({ function_id: 'engine::health::check', payload: {} })) as {
      components: Record<string, { details: { stored?: number; max?: number } }>;
    };
    return ['spans', 'logs', 'metrics']
      .map((k) => `${k} ${h.components[k]?.details.stored ?? '?'}/${h.components[k]?.details.max ?? '?'}`)
      .join(', ');
  } finally {
    await client.shutdown();
  }
}

async function heapOf(procs: Proc[], dir: string): Promise<Map<number, number>> {
  for (const p of procs) rmSync(join(dir, `${p.pid}.heap.json`), { force: true });
  for (const p of procs) {
    try {
      process.kill(p.pid, 'SIGUSR2');
    } catch {
      // gone
    }
  }
  const out = new Map<number, number>();
  for (let i = 0; i < 50 && out.size < procs.length; i++) {
    await sleep(100);
    for (const p of procs) {
      const f = join(dir, `${p.pid}.heap.json`);
      if (!out.has(p.pid) && existsSync(f)) out.set(p.pid, (JSON.parse(readFileSync(f, 'utf8')) as { heapUsed: number }).heapUsed);
    }
  }
  return out;
}

function labelOf(app: Linkly, pid: number, cwd: string, all: Array<{ pid: number; cwd: string }>): string {
  if (pid === app.pid) return 'engine (iii)';
  const name = cwd.split('/').pop() ?? '?';
  // `tsx watch` runs the worker in a child: the parent is the watcher.
  const parentOfSame = all.some((o) => o.pid !== pid && o.cwd === cwd && o.pid > pid);
  return parentOfSame ? `${name} (tsx watch)` : name;
}

async function main(): Promise<void> {
  const dir = mkdtempSync(join(tmpdir(), 'triad-idle-'));
  const env = { NODE_OPTIONS: `${process.env.NODE_OPTIONS ?? ''} --expose-gc --import ${PRELOAD}`.trim(), TRIAD_HEAP_DIR: dir };
  console.log(`idle bench: Linkly with no traffic for ${MINUTES} min, samples every ${INTERVAL_S} s\n${loadLine()}`);
  const baseline = spawn(process.execPath, ['-e', 'setInterval(() => {}, 10_000)'], { env: { ...process.env, ...env }, stdio: 'ignore' });
  const app = await startLinkly({ env: { OTEL_ENABLED: 'true', ...env } });
  const base = BASE ? checkout(BASE) : undefined;
  const before = base ? await startLinkly({ cli: base.cli, env: { OTEL_ENABLED: 'true', ...env } }) : undefined;
  try {
    await sleep(SETTLE_S * 1000);
    const kids = descendants(app.pid ?? 0).filter((d) => d.comm.startsWith('node'));
    const procs: Proc[] = [
      { pid: app.pid ?? 0, label: 'engine (iii)' },
      ...kids.map((k) => ({ pid: k.pid, label: labelOf(app, k.pid, k.cwd, kids) })),
      ...(before ? [{ pid: before.pid ?? 0, label: `engine @${BASE} (before)` }] : []),
      { pid: baseline.pid ?? 0, label: 'baseline: bare node' },
    ];
    const storedStart = await stored(app);
    const heapStart = await heapOf(procs, dir);
    await sleep(1000);
    const series = new Map<number, Series>(procs.map((p) => [p.pid, { t: [], rssKb: [], cpuUs: [], wakeups: [] }]));
    const t0 = Date.now();
    const samples = Math.max(2, Math.round((MINUTES * 60) / INTERVAL_S) + 1);
    for (let i = 0; i < samples; i++) {
      if (i > 0) await sleep(t0 + i * INTERVAL_S * 1000 - Date.now());
      for (const p of procs) {
        const s = series.get(p.pid) as Series;
        const st = status(p.pid);
        s.t.push((Date.now() - t0) / 60_000);
        s.rssKb.push(st.rssKb);
        s.cpuUs.push(cpuUsOf(p.pid));
        s.wakeups.push(st.wakeups);
      }
    }
    const heapEnd = await heapOf(procs, dir);
    const storedEnd = await stored(app);
    console.log(
      `\n${'process'.padEnd(28)} ${'CPU %'.padStart(7)} ${'wakeups/s'.padStart(10)} ${'RSS MB start→end'.padStart(18)} ${'RSS slope'.padStart(13)} ${'heap MB (after GC) start→end'.padStart(29)}`,
    );
    let totalCpu = 0;
    for (const p of procs) {
      const s = series.get(p.pid) as Series;
      const minutes = (s.t.at(-1) ?? 0) - (s.t[0] ?? 0);
      const cpuPct = (((s.cpuUs.at(-1) ?? 0) - (s.cpuUs[0] ?? 0)) / (minutes * 60e6)) * 100;
      const wake = ((s.wakeups.at(-1) ?? 0) - (s.wakeups[0] ?? 0)) / (minutes * 60);
      if (!p.label.startsWith('baseline')) totalCpu += cpuPct;
      const hs = (heapStart.get(p.pid) ?? Number.NaN) / 1e6;
      const he = (heapEnd.get(p.pid) ?? Number.NaN) / 1e6;
      console.log(
        `${p.label.padEnd(28)} ${cpuPct.toFixed(2).padStart(7)} ${wake.toFixed(1).padStart(10)} ${`${((s.rssKb[0] ?? 0) / 1024).toFixed(1)}→${((s.rssKb.at(-1) ?? 0) / 1024).toFixed(1)}`.padStart(18)} ${`${slope(s.t, s.rssKb).toFixed(0)} KB/min`.padStart(13)} ${`${hs.toFixed(2)}→${he.toFixed(2)} (${((he - hs) * 1000).toFixed(0)} KB)`.padStart(29)}`,
      );
    }
    const engine = series.get(app.pid ?? 0) as Series;
    const engineCpu =
      (((engine.cpuUs.at(-1) ?? 0) - (engine.cpuUs[0] ?? 0)) / (((engine.t.at(-1) ?? 0) - (engine.t[0] ?? 0)) * 60e6)) * 100;
    const base = series.get(baseline.pid ?? 0) as Series;
    const baseCpu = (((base.cpuUs.at(-1) ?? 0) - (base.cpuUs[0] ?? 0)) / (((base.t.at(-1) ?? 0) - (base.t[0] ?? 0)) * 60e6)) * 100;
    const heapGrowthKb = ((heapEnd.get(app.pid ?? 0) ?? 0) - (heapStart.get(app.pid ?? 0) ?? 0)) / 1000;
    console.log(
      `\nengine: ${engineCpu.toFixed(2)} % CPU (baseline bare node ${baseCpu.toFixed(2)} %), heap ${heapGrowthKb.toFixed(0)} KB over ${MINUTES} min; all Linkly processes ${totalCpu.toFixed(2)} % CPU`,
    );
    console.log(`engine stores (stored/max): start ${storedStart}; end ${storedEnd}`);
    console.log(
      `goals: engine CPU < 1 % ${engineCpu < 1 ? 'met' : 'NOT met'}; flat memory (engine heap after GC grows < 1 MB) ${Math.abs(heapGrowthKb) < 1000 ? 'met' : 'NOT met'}`,
    );
  } finally {
    baseline.kill();
    await app.stop();
    app.remove();
    await before?.stop();
    before?.remove();
    base?.remove();
    rmSync(dir, { recursive: true, force: true });
  }
  console.log(loadLine());
}

await main();
