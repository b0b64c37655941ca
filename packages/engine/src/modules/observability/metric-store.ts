/**
 * SDK metric points (bounded), the latest worker gauges per worker id (for
 * `engine::workers::info.worker.latest_metrics`), and the engine's own invocation/worker counters.
 */
import type { LatestWorkerMetrics } from '../../core/telemetry.ts';
import type { AttrValue, MetricKind, OtelMetricPoint } from '../../protocol/otel-frames.ts';
import { BoundedLog } from './bounded-log.ts';
import { serviceNameOf } from './records.ts';

export interface MetricRecord {
  name: string;
  description?: string;
  unit?: string;
  kind: MetricKind;
  value?: number;
  count?: number;
  attributes: Record<string, AttrValue>;
  time: bigint;
  serviceName: string;
}

type GaugeField = Exclude<keyof LatestWorkerMetrics, 'timestamp_ms' | 'runtime'>;
const GAUGES: Record<string, GaugeField> = {
  'iii.worker.memory.heap_used': 'memory_heap_used',
  'iii.worker.memory.heap_total': 'memory_heap_total',
  'iii.worker.memory.rss': 'memory_rss',
  'iii.worker.memory.external': 'memory_external',
  'iii.worker.cpu.user_micros': 'cpu_user_micros',
  'iii.worker.cpu.system_micros': 'cpu_system_micros',
  'iii.worker.cpu.percent': 'cpu_percent',
  'iii.worker.event_loop.lag_ms': 'event_loop_lag_ms',
  'iii.worker.uptime_seconds': 'uptime_seconds',
};
/** OTel `telemetry.sdk.language` → the runtime names workers report (`node`, `python`, ...). */
const RUNTIMES: Record<string, string> = { nodejs: 'node', python: 'python', rust: 'rust', go: 'go' };

export class MetricStore {
  readonly points: BoundedLog<MetricRecord>;
  private readonly latest = new Map<string, LatestWorkerMetrics>();

  constructor(maxCount: number, retentionMs: number) {
    this.points = new BoundedLog(maxCount, retentionMs);
  }

  /** Store a point; worker gauges also update that worker's latest snapshot. */
  add(p: OtelMetricPoint, fallbackWorkerId?: string): void {
    const attributes = Object.fromEntries(p.attributes);
    this.points.push({
      name: p.metricName,
      description: p.description,
      unit: p.unit,
      kind: p.kind,
      value: p.value,
      count: p.count,
      attributes,
      time: p.timeUnixNano,
      serviceName: serviceNameOf(p.resource),
    });
    const field = GAUGES[p.metricName];
    const workerId = typeof attributes['worker.id'] === 'string' ? attributes['worker.id'] : fallbackWorkerId;
    if (!field || !workerId || p.value === undefined) return;
    const lang = p.resource.find(([k]) => k === 'telemetry.sdk.language')?.[1];
    const snapshot = this.latest.get(workerId) ?? {
      timestamp_ms: 0,
      runtime: typeof lang === 'string' ? (RUNTIMES[lang] ?? lang) : 'unknown',
    };
    snapshot[field] = p.value;
    snapshot.timestamp_ms = Math.max(snapshot.timestamp_ms, Number(p.timeUnixNano / 1_000_000n));
    this.latest.set(workerId, snapshot);
  }

  latestFor(workerId: string): LatestWorkerMetrics | undefined {
    const m = this.latest.get(workerId);
    return m ? { ...m } : undefined;
  }

  forgetWorker(workerId: string): void {
    this.latest.delete(workerId);
  }

  clear(): void {
    this.points.clear();
    this.latest.clear();
  }
}

/** Keep the last N durations for percentiles: enough for stable p99 without unbounded memory. */
const DURATION_WINDOW = 10_000;

export class EngineCounters {
  total = 0;
  success = 0;
  error = 0;
  deferred = 0;
  readonly byFunction = new Map<string, { total: number; success: number; error: number }>();
  spawns = 0;
  deaths = 0;
  private readonly durations: number[] = [];
  private next = 0;

  recordInvocation(functionId: string, outcome: 'success' | 'error' | 'deferred', durationMs?: number): void {
    this.total++;
    this[outcome]++;
    const f = this.byFunction.get(functionId) ?? { total: 0, success: 0, error: 0 };
    f.total++;
    if (outcome !== 'deferred') f[outcome]++;
    this.byFunction.set(functionId, f);
    if (durationMs === undefined) return;
    if (this.durations.length < DURATION_WINDOW) this.durations.push(durationMs);
    else this.durations[this.next] = durationMs;
    this.next = (this.next + 1) % DURATION_WINDOW;
  }

  performance(): Record<string, number> {
    const sorted = [...this.durations].sort((a, b) => a - b);
    const at = (q: number): number => (sorted.length === 0 ? 0 : sorted[Math.min(sorted.length - 1, Math.floor(q * sorted.length))]!);
    const sum = sorted.reduce((a, b) => a + b, 0);
    return {
      avg_duration_ms: sorted.length ? sum / sorted.length : 0,
      p50_duration_ms: at(0.5),
      p95_duration_ms: at(0.95),
      p99_duration_ms: at(0.99),
      min_duration_ms: sorted[0] ?? 0,
      max_duration_ms: sorted[sorted.length - 1] ?? 0,
    };
  }
}
