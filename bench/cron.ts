/**
 * The `cron` worker, each figure beside a baseline measured in the same run:
 *   1. `nextAfter` (field-by-field jumps) vs a brute-force second-by-second scan of the same schedule,
 *      on expressions whose next fire is at most an hour away (so the scan stays bounded); every result
 *      is cross-checked against the scan, and the run aborts on a mismatch;
 *   2. fire lateness (handler receive time − scheduled_time) of an every-second job through the real
 *      engine and a real iii-sdk worker vs a bare `setTimeout` aimed at the next whole second.
 * Loopback only, bounded counts.
 *
 *   node --import tsx bench/cron.ts [--calls 2000] [--ticks 5]
 */

import { startEngine } from '@triad/engine';
import { type CronSchedule, nextAfter, parseCron } from '@triad/engine/internal';
import { registerWorker } from 'iii-sdk';
import { percentile, report, summarise } from './lib/stats.ts';

function arg(name: string, fallback: number): number {
  const i = process.argv.indexOf(`--${name}`);
  return i >= 0 ? Number(process.argv[i + 1]) : fallback;
}
const CALLS = arg('calls', 2000);
const TICKS = arg('ticks', 5);
const EXPRESSIONS = ['*/5 * * * * *', '0 */15 * * * *', '30 0-59/7 * * * MON-FRI,SUN', '0 0 * * * *'];

function matches(s: CronSchedule, d: Date): boolean {
  return (
    (!s.years || s.years.has(d.getUTCFullYear())) &&
    s.months.has(d.getUTCMonth() + 1) &&
    s.daysOfMonth.has(d.getUTCDate()) &&
    s.daysOfWeek.has(d.getUTCDay() + 1) &&
    s.hours.has(d.getUTCHours()) &&
    s.minutes.has(d.getUTCMinutes()) &&
    s.seconds.has(d.getUTCSeconds())
  );
}

function bruteNext(s: CronSchedule, after: Date): Date {
  for (let t = Math.floor(after.getTime() / 1000) * 1000 + 1000, i = 0; i < 3601; t += 1000, i++)
    if (matches(s, new Date(t))) return new Date(t);
  throw new Error('no fire within an hour');
}

function timeCalls(fn: (s: CronSchedule, d: Date) => Date | undefined): { latencies: number[]; elapsed: number; results: number[] } {
  const schedules = EXPRESSIONS.map(parseCron);
  const base = Date.UTC(2026, 10, 30, 2, 0, 0);
  const latencies: number[] = [];
  const results: number[] = [];
  const started = performance.now();
  for (let i = 0; i < CALLS; i++) {
    const s = schedules[i % schedules.length] as CronSchedule;
    const from = new Date(base + i * 7_919); // a prime stride: varied positions within minutes and hours
    const t0 = performance.now();
    const r = fn(s, from);
    latencies.push(performance.now() - t0);
    results.push(r?.getTime() ?? Number.NaN);
  }
  return { latencies, elapsed: performance.now() - started, results };
}

function benchNextAfter(): void {
  const ours = timeCalls(nextAfter);
  const brute = timeCalls(bruteNext);
  const bad = ours.results.findIndex((r, i) => r !== brute.results[i]);
  if (bad >= 0) throw new Error(`nextAfter disagrees with the brute-force scan at call ${bad}`);
  report(
    `nextAfter over ${CALLS} calls (${EXPRESSIONS.length} expressions; all results equal the scan's)`,
    summarise(ours.latencies, ours.elapsed),
    summarise(brute.latencies, brute.elapsed),
    { subject: 'nextAfter', baseline: 'second-by-second scan' },
  );
}

async function baselineLateness(): Promise<number[]> {
  const out: number[] = [];
  for (let i = 0; i < TICKS; i++) {
    const target = Math.floor(Date.now() / 1000) * 1000 + 1000;
    await new Promise((r) => setTimeout(r, target - Date.now()));
    out.push(Date.now() - target);
  }
  return out;
}

async function cronLateness(): Promise<number[]> {
  const engine = await startEngine({
    logLevel: 'warn',
    workers: [{ name: 'iii-worker-manager', config: { host: '127.0.0.1', port: 0 } }, { name: 'cron' }],
  });
  const worker = registerWorker(engine.addresses.worker as string, {
    workerName: 'bench-cron',
    otel: { enabled: false },
    enableMetricsReporting: false,
  });
  const out: number[] = [];
  try {
    await new Promise<void>((resolve) => {
      worker.registerFunction('bench::tick', async (p: { scheduled_time: string }) => {
        out.push(Date.now() - Date.parse(p.scheduled_time));
        if (out.length === TICKS) resolve();
        return null;
      });
      worker.registerTrigger({ type: 'cron', function_id: 'bench::tick', config: { expression: '* * * * * *' } });
    });
  } finally {
    await worker.shutdown();
    await engine.stop();
  }
  return out;
}

function printLateness(label: string, values: number[]): { p50: number; max: number } {
  const sorted = [...values].sort((a, b) => a - b);
  const p50 = percentile(sorted, 50);
  const max = sorted[sorted.length - 1] ?? Number.NaN;
  console.log(`  ${label.padEnd(30)} p50 ${p50.toFixed(1)} ms   max ${max.toFixed(1)} ms   (${values.length} ticks)`);
  return { p50, max };
}

benchNextAfter();
console.log(`\nfire lateness over ${TICKS} every-second ticks (ms after the scheduled second)`);
const base = printLateness('bare setTimeout', await baselineLateness());
const cron = printLateness('cron job → iii-sdk handler', await cronLateness());
console.log(`  difference                     p50 +${(cron.p50 - base.p50).toFixed(1)} ms   max +${(cron.max - base.max).toFixed(1)} ms`);
