/** Shared benchmark helpers: latency percentiles and a uniform "figure vs baseline" report line. */

export function percentile(sorted: readonly number[], p: number): number {
  if (sorted.length === 0) return Number.NaN;
  const idx = Math.min(sorted.length - 1, Math.max(0, Math.ceil((p / 100) * sorted.length) - 1));
  return sorted[idx] as number;
}

export interface Sample {
  /** Operations per second. */
  throughput: number;
  p50: number;
  p99: number;
}

export function summarise(latenciesMs: number[], elapsedMs: number): Sample {
  const sorted = [...latenciesMs].sort((a, b) => a - b);
  return { throughput: (latenciesMs.length / elapsedMs) * 1000, p50: percentile(sorted, 50), p99: percentile(sorted, 99) };
}

const f = (n: number, digits = 3): string => (Number.isFinite(n) ? n.toFixed(digits) : 'n/a');

/**
 * Print one comparison block. `higherIsBetter` ratios are subject/baseline for throughput and
 * baseline/subject for latency, so every ratio reads "fraction of the baseline's performance"... except
 * that we print latency ratios as subject/baseline, which is what the goals are phrased in (p50 within 1.3×).
 */
export function report(title: string, subject: Sample, baseline: Sample, labels = { subject: 'triad', baseline: 'baseline' }): void {
  console.log(`\n${title}`);
  console.log(
    `  ${labels.subject.padEnd(22)} ${f(subject.throughput, 0).padStart(9)} ops/s   p50 ${f(subject.p50)} ms   p99 ${f(subject.p99)} ms`,
  );
  console.log(
    `  ${labels.baseline.padEnd(22)} ${f(baseline.throughput, 0).padStart(9)} ops/s   p50 ${f(baseline.p50)} ms   p99 ${f(baseline.p99)} ms`,
  );
  console.log(
    `  ratio                  throughput ${f(subject.throughput / baseline.throughput, 2)}×   p50 ${f(subject.p50 / baseline.p50, 2)}×   p99 ${f(subject.p99 / baseline.p99, 2)}×`,
  );
}

/** Run `ops` calls of `op(i)` with `concurrency` loops; per-call latencies → Sample. */
export async function load(ops: number, concurrency: number, op: (i: number) => Promise<unknown> | unknown): Promise<Sample> {
  const latencies: number[] = [];
  let next = 0;
  const t0 = performance.now();
  const loop = async (): Promise<void> => {
    while (next < ops) {
      const i = next++;
      const s = performance.now();
      await op(i);
      latencies.push(performance.now() - s);
    }
  };
  await Promise.all(Array.from({ length: concurrency }, loop));
  return summarise(latencies, performance.now() - t0);
}
