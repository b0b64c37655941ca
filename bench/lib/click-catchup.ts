/**
 * Does click processing keep up with a redirect load? Around one wrk run on Linkly: how long after the
 * run ended every redirect's click is in SQL and on the `clicks` stream (issue 10 goal: ≤ 2 s), and the
 * click → stream subscriber latency during the run (p99 goal: ≤ 250 ms), the subscriber being a separate
 * process (bench/lib/click-subscriber.ts).
 */
import { type ChildProcess, fork } from 'node:child_process';
import type { IIIClient } from 'iii-sdk';
import { percentile } from './stats.ts';

export interface CatchUp {
  /** Redirects wrk saw answered (the clicks expected). */
  expected: number;
  /** ms after the run until SQL / the stream had them all (NaN: not within the timeout). */
  sqlMs: number;
  streamMs: number;
  /** What had arrived when the wait ended. */
  sqlCount: number;
  streamCount: number;
  /** click → subscriber during the run and the catch-up, ms. */
  p50: number;
  p99: number;
}

export class ClickWatcher {
  private constructor(
    private readonly child: ChildProcess,
    private readonly client: IIIClient,
    private readonly code: string,
  ) {}

  static async start(streamUrl: string, client: IIIClient, code: string): Promise<ClickWatcher> {
    const child = fork(new URL('./click-subscriber.ts', import.meta.url).pathname, [streamUrl], { execArgv: ['--import', 'tsx'] });
    await new Promise<void>((resolve, reject) => {
      child.once('message', () => resolve());
      child.once('exit', (c) => reject(new Error(`click subscriber exited (${c})`)));
    });
    return new ClickWatcher(child, client, code);
  }

  private report(): Promise<{ count: number; latencies: number[] }> {
    return new Promise((resolve) => {
      this.child.once('message', (m) => resolve(m as { count: number; latencies: number[] }));
      this.child.send('report');
    });
  }

  private async sqlCount(): Promise<number> {
    const r = (await this.client.trigger({
      function_id: 'database::query',
      payload: { db: 'primary', sql: 'SELECT COUNT(*) AS n FROM clicks WHERE code = ?', params: [this.code] },
    })) as { rows?: Array<{ n?: unknown }> };
    return Number(r.rows?.[0]?.n ?? Number.NaN);
  }

  /** Counts now (call right before the run). */
  async mark(): Promise<{ sql: number; stream: number }> {
    const [sql, s] = await Promise.all([this.sqlCount(), this.report()]);
    return { sql, stream: s.count };
  }

  /** After the run (ended at `endedAt`, performance.now()): wait up to `timeoutMs` for `expected` more clicks. */
  async catchUp(before: { sql: number; stream: number }, expected: number, endedAt: number, timeoutMs = 60_000): Promise<CatchUp> {
    let sqlMs = Number.NaN;
    let streamMs = Number.NaN;
    let sqlCount = 0;
    let streamCount = 0;
    const latencies: number[] = [];
    while (performance.now() - endedAt < timeoutMs && (Number.isNaN(sqlMs) || Number.isNaN(streamMs))) {
      const [sql, s] = await Promise.all([this.sqlCount(), this.report()]);
      const now = performance.now() - endedAt;
      latencies.push(...s.latencies);
      sqlCount = sql - before.sql;
      streamCount = s.count - before.stream;
      if (Number.isNaN(sqlMs) && sqlCount >= expected) sqlMs = now;
      if (Number.isNaN(streamMs) && streamCount >= expected) streamMs = now;
      await new Promise((r) => setTimeout(r, 50));
    }
    latencies.sort((a, b) => a - b);
    return { expected, sqlMs, streamMs, sqlCount, streamCount, p50: percentile(latencies, 50), p99: percentile(latencies, 99) };
  }

  stop(): void {
    this.child.disconnect();
    this.child.kill();
  }
}

export function catchUpLine(c: CatchUp): string {
  const t = (ms: number, got: number): string =>
    Number.isNaN(ms) ? `not within 60 s (${got} of ${c.expected})` : `${(ms / 1000).toFixed(2)} s`;
  return `  clicks keeping up      ${c.expected} clicks: all in SQL ${t(c.sqlMs, c.sqlCount)}, all on the stream ${t(c.streamMs, c.streamCount)} after the run; click → subscriber p50 ${c.p50.toFixed(0)} ms, p99 ${c.p99.toFixed(0)} ms`;
}
