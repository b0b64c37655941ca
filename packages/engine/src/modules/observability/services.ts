/**
 * The two services this module provides to the core and to other modules.
 *
 * - `telemetry`: the transport hands every binary telemetry frame (`/otel`, or prefixed frames on `/`)
 *   to `ingestFrame`; the core reads `latestWorkerMetrics` for `engine::workers::info` and may report
 *   invocation outcomes with `recordInvocation` (feeds `engine::metrics::list.engine_metrics`).
 * - `tracer`: engine-made spans (HTTP request spans, `call <function_id>` spans for built-ins).
 */
import type { AttrValue } from '../../protocol/otel-frames.ts';
import type { IngestResult } from './hub.ts';
import type { LatestWorkerMetrics } from './metric-store.ts';

export interface TelemetrySink {
  /** Never throws; bad frames are dropped (and counted) with `E_OTEL_BAD_FRAME`. */
  ingestFrame(frame: Buffer, source: { workerId?: string }): IngestResult;
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

declare module '../module.ts' {
  interface Services {
    telemetry: TelemetrySink;
    tracer: Tracer;
  }
}
