/**
 * What the core (and the transport) need from an observability provider, declared here so the core
 * depends on its own interfaces and not on a module. The `iii-observability` module implements both
 * services; without it every call site simply skips (`services.get` returns undefined).
 *
 * - `telemetry`: the transport hands every binary telemetry frame (`/otel`, or prefixed frames on `/`)
 *   to `ingestFrame`; `engine::workers::info` reads `latestWorkerMetrics`; the router reports invocation
 *   outcomes with `recordInvocation` (feeds `engine::metrics::list.engine_metrics`).
 * - `tracer`: engine-made spans (HTTP request spans, `call <function_id>` spans for built-ins).
 */
import type { AttrValue } from '../protocol/otel-frames.ts';

export interface IngestResult {
  ok: boolean;
  signal?: 'traces' | 'logs' | 'metrics';
  /** Records stored (0 when the signal is disabled). */
  stored: number;
  /** Malformed records skipped inside an otherwise valid frame. */
  dropped: number;
  error?: { code: string; message: string };
}

/** protocol.md §7.4: derived from the latest `iii.worker.*` gauges of one worker. */
export interface LatestWorkerMetrics {
  memory_heap_used?: number;
  memory_heap_total?: number;
  memory_rss?: number;
  memory_external?: number;
  cpu_user_micros?: number;
  cpu_system_micros?: number;
  cpu_percent?: number;
  event_loop_lag_ms?: number;
  uptime_seconds?: number;
  timestamp_ms: number;
  runtime: string;
}

export interface TelemetrySink {
  /** Never throws; bad frames are dropped (and counted) with `E_OTEL_BAD_FRAME`. */
  ingestFrame(frame: Buffer, source: { workerId?: string }): IngestResult;
  /** The transport's entry: like `ingestFrame` without a result, so the provider may parse later. */
  ingestFrameLater(frame: Buffer, source: { workerId?: string }): void;
  /** `engine::workers::info.worker.latest_metrics` for a connected worker (protocol.md §7.4). */
  latestWorkerMetrics(workerId: string): LatestWorkerMetrics | undefined;
  recordInvocation(functionId: string, outcome: 'success' | 'error' | 'deferred', durationMs?: number): void;
  /**
   * Store one of the engine's own log lines (the reference keeps its `tracing` events as logs), with
   * `service_name` = the configured service name and `fields` as attributes. Never echoed to the console
   * (the engine logger already printed it) and never throws.
   */
  recordEngineLog(level: 'debug' | 'info' | 'warn' | 'error', message: string, fields?: Record<string, unknown>): void;
}

export type SpanKind = 'internal' | 'server' | 'client' | 'producer' | 'consumer';

export interface StartSpanOptions {
  /** W3C `traceparent` of the caller; absent → a new trace. */
  parent?: string;
  attributes?: Record<string, AttrValue>;
  /** @default 'internal' */
  kind?: SpanKind;
}

export interface SpanHandle {
  readonly traceId: string;
  readonly spanId: string;
  /** Pass this to the callee so its spans become children of this one. */
  readonly traceparent: string;
  readonly sampled: boolean;
  setAttribute(key: string, value: AttrValue): void;
  setStatus(status: 'ok' | 'error', description?: string): void;
  addEvent(name: string, attributes?: Record<string, AttrValue>): void;
  /** Idempotent: the span is stored once, on the first call. */
  end(): void;
}

export interface Tracer {
  startSpan(name: string, opts?: StartSpanOptions): SpanHandle;
  /**
   * The `call <function_id>` span for an engine built-in (workers.md §0.2 "Invocation spans"):
   * undefined when the caller supplied no trace context or the function is an observability one.
   * End it when the built-in returns (setStatus('error', message) first on failure).
   */
  startCallSpan(functionId: string, call: { traceparent?: string; baggage?: string }): SpanHandle | undefined;
}

declare module '../modules/module.ts' {
  interface Services {
    telemetry: TelemetrySink;
    tracer: Tracer;
  }
}
