/**
 * The observability hub: owns the stores, applies the config gates, and fans stored records out
 * to listeners (log/trace triggers, console echo). Both the `telemetry` service (SDK frames) and the
 * `tracer` service (engine spans) write through it; the query functions read from it.
 */
import { type ErrorBody, toErrorBody } from '../../core/errors/index.ts';
import type { IngestResult } from '../../core/telemetry.ts';
import { type AttrValue, parseOtelFrame } from '../../protocol/otel-frames.ts';
import type { Logger } from '../../util/logger.ts';
import { BoundedLog } from './bounded-log.ts';
import { nowNanos } from './clock.ts';
import { logsInMemory, metricsInMemory, type ObservabilityConfig, tracesInMemory } from './config.ts';
import { EngineCounters, MetricStore } from './metric-store.ts';
import { type LogRecord, logFromOtel, type SpanRecord, spanFromOtel } from './records.ts';
import { countSpans, SpanBacklog } from './span-backlog.ts';
import { SpanStore } from './span-store.ts';

export type LogOrigin = 'sdk' | 'call' | 'engine';
const ENGINE_LEVELS = { debug: [5, 'DEBUG'], info: [9, 'INFO'], warn: [13, 'WARN'], error: [17, 'ERROR'] } as const;

export class ObservabilityHub {
  private readonly store: SpanStore;
  private readonly backlog = new SpanBacklog();
  readonly logs: BoundedLog<LogRecord>;
  readonly metrics: MetricStore;
  readonly counters = new EngineCounters();
  readonly startedAtMs = Date.now();
  private readonly frameCounts = { accepted: 0, rejected: 0 };
  private readonly logListeners = new Set<(l: LogRecord) => void>();
  /** Span listeners, each with whether it wants spans right now (a trigger type with no triggers does not). */
  private readonly spanListeners = new Map<(s: SpanRecord[]) => void, () => boolean>();
  /** Set while queued spans are parsed: listeners did not want them when they arrived. */
  private flushing = false;

  constructor(
    public config: ObservabilityConfig,
    private readonly log: Logger,
  ) {
    this.store = new SpanStore(config.memory_max_spans);
    this.logs = new BoundedLog(config.logs_max_count, config.logs_retention_seconds * 1000);
    this.metrics = new MetricStore(config.metrics_max_count, config.metrics_retention_seconds * 1000);
  }

  /** The span store, with every queued span frame parsed into it first (span-backlog.ts). */
  get spans(): SpanStore {
    this.flushSpans();
    return this.store;
  }

  /** Telemetry frames accepted / rejected so far (queued span frames are parsed first). */
  get frames(): Readonly<{ accepted: number; rejected: number }> {
    this.flushSpans();
    return this.frameCounts;
  }

  /** Live tier: limits and gates apply to the next record. */
  reconfigure(config: ObservabilityConfig): void {
    this.flushSpans();
    this.config = config;
    this.store.setMax(config.memory_max_spans);
    this.logs.setLimits(config.logs_max_count, config.logs_retention_seconds * 1000);
    this.metrics.points.setLimits(config.metrics_max_count, config.metrics_retention_seconds * 1000);
  }

  onLog(fn: (l: LogRecord) => void): () => void {
    this.logListeners.add(fn);
    return () => this.logListeners.delete(fn);
  }

  onSpans(fn: (s: SpanRecord[]) => void, wants: () => boolean = () => true): () => void {
    this.flushSpans();
    this.spanListeners.set(fn, wants);
    return () => this.spanListeners.delete(fn);
  }

  /**
   * The transport's entry (the result is not needed): a span frame is queued unparsed while spans only
   * go to the in-memory store, and parsed on the next read; everything else is ingested at once.
   */
  ingestFrameLater(frame: Buffer, source: { workerId?: string }): void {
    if (this.deferSpans() && frame.length > 4 && frame.toString('latin1', 0, 4) === 'OTLP') {
      const spans = countSpans(frame);
      // A copy: the frame may be a slice of a large socket buffer that must not be kept alive.
      if (spans > 0) {
        this.backlog.push({ kind: 'frame', frame: Buffer.from(frame), spans, ...source }, this.config.memory_max_spans);
        return;
      }
    }
    this.ingestFrame(frame, source);
  }

  /** Never throws: a bad frame is counted, logged at debug level and reported in the result. */
  ingestFrame(frame: Uint8Array, source: { workerId?: string }): IngestResult {
    const parsed = parseOtelFrame(frame);
    if (!parsed.ok) return this.rejectFrame(parsed.error, source);
    try {
      const f = parsed.frame;
      this.frameCounts.accepted++;
      if (f.signal === 'traces')
        return { ok: true, signal: 'traces', stored: this.addSpans(f.spans.map(spanFromOtel)), dropped: f.dropped };
      if (f.signal === 'logs') {
        let stored = 0;
        for (const l of f.logs) if (this.addLog(logFromOtel(l), 'sdk')) stored++;
        return { ok: true, signal: 'logs', stored, dropped: f.dropped };
      }
      if (!metricsInMemory(this.config)) return { ok: true, signal: 'metrics', stored: 0, dropped: f.dropped };
      for (const p of f.points) this.metrics.add(p, source.workerId);
      return { ok: true, signal: 'metrics', stored: f.points.length, dropped: f.dropped };
    } catch (err) {
      return this.rejectFrame(toErrorBody(err), source);
    }
  }

  private rejectFrame(error: ErrorBody, source: { workerId?: string }): IngestResult {
    this.frameCounts.rejected++;
    this.log.debug('telemetry frame dropped', { code: error.code, message: error.message, worker_id: source.workerId });
    return { ok: false, stored: 0, dropped: 0, error: { code: error.code, message: error.message } };
  }

  /**
   * Accept spans (SDK or engine): stored when the memory exporter is on, and handed to the listeners
   * (trace triggers, the OTLP exporter) either way. Returns how many were stored in memory.
   */
  addSpans(spans: SpanRecord[]): number {
    if (!this.config.enabled || spans.length === 0) return 0;
    // Queued too (behind any frames that came first, so the store's insertion = eviction order is kept):
    // an engine span per HTTP request and per built-in call is mostly evicted before anyone reads it.
    if (!this.flushing && this.deferSpans()) {
      this.backlog.push({ kind: 'records', records: spans, spans: spans.length }, this.config.memory_max_spans);
      return spans.length;
    }
    const inMemory = tracesInMemory(this.config);
    if (inMemory) for (const s of spans) this.store.add(s);
    if (!this.flushing) this.emit(this.spanListeners.keys(), spans);
    return inMemory ? spans.length : 0;
  }

  /** Spans only go to the memory store (no trace trigger, no OTLP exporter listening): they can wait. */
  private deferSpans(): boolean {
    if (!tracesInMemory(this.config)) return false;
    for (const wants of this.spanListeners.values()) if (wants()) return false;
    return true;
  }

  /** Parse and store everything queued, in arrival order. */
  private flushSpans(): void {
    if (this.backlog.length === 0) return;
    this.frameCounts.accepted += this.backlog.droppedFrames;
    this.backlog.droppedFrames = 0;
    this.flushing = true;
    try {
      for (const entry of this.backlog.take()) {
        if (entry.kind === 'frame') this.ingestFrame(entry.frame, { workerId: entry.workerId });
        else for (const s of entry.records) this.store.add(s);
      }
    } finally {
      this.flushing = false;
    }
  }

  /**
   * Accept one log record (subject to `logs_sampling_ratio`): store it (memory exporter), echo it,
   * hand it to the listeners (log triggers, OTLP exporter). `origin`: `sdk` records are echoed with
   * their service name, `call` records (engine::log::*, alerts) plainly, `engine` records not at all
   * (the engine logger printed them already).
   */
  addLog(record: LogRecord, origin: LogOrigin): boolean {
    if (!this.config.enabled || !this.config.logs_enabled) return false;
    if (this.config.logs_sampling_ratio < 1 && Math.random() >= this.config.logs_sampling_ratio) return false;
    const inMemory = logsInMemory(this.config);
    if (inMemory) this.logs.push(record);
    if (this.config.logs_console_output && origin !== 'engine') this.echo(record, origin === 'sdk');
    this.emit(this.logListeners, record);
    return inMemory;
  }

  /** An engine log line: stored like `engine::log::*` records, never echoed (it was printed already). */
  addEngineLog(level: 'debug' | 'info' | 'warn' | 'error', message: string, fields: Record<string, unknown> = {}): void {
    const [severityNumber, severityText] = ENGINE_LEVELS[level];
    const now = nowNanos();
    const serviceName = this.config.service_name;
    let attributes: Record<string, AttrValue> = {};
    try {
      // Fields may hold anything (errors, bigints, cycles): keep what survives a JSON round trip.
      const plain: unknown = JSON.parse(JSON.stringify(fields, (_k, v: unknown) => (typeof v === 'bigint' ? v.toString() : v)));
      if (typeof plain === 'object' && plain !== null && !Array.isArray(plain)) attributes = Object.fromEntries(Object.entries(plain));
    } catch {
      // unserialisable fields are dropped, the message is kept
    }
    const record: LogRecord = {
      time: now,
      observed: now,
      severityNumber,
      severityText,
      body: message,
      attributes,
      traceId: null,
      spanId: null,
      resource: { 'service.name': serviceName },
      serviceName,
    };
    this.addLog(record, 'engine');
  }

  private echo(r: LogRecord, fromSdk: boolean): void {
    const level = r.severityNumber >= 17 ? 'error' : r.severityNumber >= 13 ? 'warn' : r.severityNumber >= 9 ? 'info' : 'debug';
    const fields: Record<string, unknown> = { ...r.attributes };
    if (r.traceId) fields.trace_id = r.traceId;
    this.log[level](`${fromSdk ? `[${r.serviceName}] ` : ''}${r.body}`, fields);
  }

  /** A throwing listener must not break ingestion for the others. */
  private emit<T>(listeners: Iterable<(v: T) => void>, value: T): void {
    for (const fn of listeners) {
      try {
        fn(value);
      } catch (err) {
        this.log.debug('observability listener failed', { error: String(err) });
      }
    }
  }
}
