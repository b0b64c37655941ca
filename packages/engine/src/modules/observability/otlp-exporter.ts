/**
 * `exporter: otlp|both` / `logs_exporter: otlp|both`: spans and log records are batched and POSTed as
 * OTLP/HTTP JSON to `<endpoint>/v1/traces` and `<endpoint>/v1/logs` (hex ids, decimal-string nanos, as
 * the OTLP/HTTP JSON encoding specifies). OTLP/gRPC is not spoken, so point `endpoint` at a collector's
 * HTTP receiver (usually port 4318). Export failures are counted and logged at debug level; the batch
 * is dropped (telemetry must never back-pressure the engine).
 */
import type { Logger } from '../../util/logger.ts';
import type { LogRecord, SpanRecord, StringPairs } from './records.ts';

/** Flush at least this often, or as soon as a batch is full. */
export const EXPORT_INTERVAL_MS = 500;
const MAX_BATCH = 512;
/** Items kept while the collector is slow; older ones are dropped first. */
const MAX_QUEUED = 10_000;

type Kv = { key: string; value: { stringValue: string } };
const kv = (pairs: StringPairs | Record<string, string>): Kv[] =>
  (Array.isArray(pairs) ? pairs : Object.entries(pairs)).map(([key, v]) => ({ key, value: { stringValue: v } }));
const KIND = [0, 1, 2, 3, 4, 5];
const STATUS = { unset: 0, ok: 1, error: 2 } as const;

function spanBody(spans: SpanRecord[]): unknown {
  const byService = groupBy(spans, (s) => s.serviceName);
  return {
    resourceSpans: [...byService].map(([service, list]) => ({
      resource: { attributes: kv({ 'service.name': service }) },
      scopeSpans: [
        {
          scope: { name: list[0]?.scopeName ?? 'iii' },
          spans: list.map((s) => ({
            traceId: s.traceId,
            spanId: s.spanId,
            ...(s.parentSpanId ? { parentSpanId: s.parentSpanId } : {}),
            name: s.name,
            kind: KIND.includes(s.kind) ? s.kind : 0,
            startTimeUnixNano: String(s.start),
            endTimeUnixNano: String(s.end),
            attributes: kv(s.attributes),
            events: s.events.map((e) => ({ name: e.name, timeUnixNano: String(e.time), attributes: kv(e.attributes) })),
            links: s.links.map((l) => ({ traceId: l.traceId, spanId: l.spanId, attributes: kv(l.attributes) })),
            status: { code: STATUS[s.status], ...(s.statusDescription ? { message: s.statusDescription } : {}) },
          })),
        },
      ],
    })),
  };
}

function logBody(logs: LogRecord[]): unknown {
  const byService = groupBy(logs, (l) => l.serviceName);
  return {
    resourceLogs: [...byService].map(([, list]) => ({
      resource: { attributes: kv(list[0]?.resource ?? {}) },
      scopeLogs: [
        {
          scope: { name: list[0]?.scopeName ?? 'iii' },
          logRecords: list.map((l) => ({
            timeUnixNano: String(l.time),
            observedTimeUnixNano: String(l.observed),
            severityNumber: l.severityNumber,
            ...(l.severityText ? { severityText: l.severityText } : {}),
            body: { stringValue: l.body },
            attributes: Object.entries(l.attributes).map(([key, v]) => ({
              key,
              value: { stringValue: typeof v === 'string' ? v : JSON.stringify(v) },
            })),
            ...(l.traceId ? { traceId: l.traceId } : {}),
            ...(l.spanId ? { spanId: l.spanId } : {}),
          })),
        },
      ],
    })),
  };
}

function groupBy<T>(items: T[], key: (t: T) => string): Map<string, T[]> {
  const out = new Map<string, T[]>();
  for (const it of items) {
    const k = key(it);
    const list = out.get(k) ?? [];
    list.push(it);
    out.set(k, list);
  }
  return out;
}

class Channel<T> {
  private queue: T[] = [];
  constructor(
    private readonly url: string,
    private readonly render: (items: T[]) => unknown,
    private readonly stats: { exported: number; failed: number; dropped: number },
    private readonly log: Logger,
  ) {}

  push(items: T[]): boolean {
    this.queue.push(...items);
    if (this.queue.length > MAX_QUEUED) this.stats.dropped += this.queue.splice(0, this.queue.length - MAX_QUEUED).length;
    return this.queue.length >= MAX_BATCH;
  }

  async flush(): Promise<void> {
    while (this.queue.length > 0) {
      const batch = this.queue.splice(0, MAX_BATCH);
      try {
        const r = await fetch(this.url, {
          method: 'POST',
          headers: { 'content-type': 'application/json' },
          body: JSON.stringify(this.render(batch)),
        });
        if (!r.ok) throw new Error(`HTTP ${r.status}`);
        this.stats.exported += batch.length;
      } catch (err) {
        this.stats.failed += batch.length;
        this.log.debug('OTLP export failed', { url: this.url, items: batch.length, error: String(err) });
      }
    }
  }
}

export class OtlpExporter {
  readonly stats = { exported: 0, failed: 0, dropped: 0 };
  private readonly spans: Channel<SpanRecord>;
  private readonly logs: Channel<LogRecord>;
  private readonly timer: NodeJS.Timeout;
  private flushing: Promise<void> | undefined;

  constructor(endpoint: string, log: Logger) {
    const base = endpoint.replace(/\/+$/, '');
    this.spans = new Channel(`${base}/v1/traces`, spanBody, this.stats, log);
    this.logs = new Channel(`${base}/v1/logs`, logBody, this.stats, log);
    this.timer = setInterval(() => void this.flush(), EXPORT_INTERVAL_MS).unref();
  }

  addSpans(spans: SpanRecord[]): void {
    if (this.spans.push(spans)) void this.flush();
  }

  addLog(record: LogRecord): void {
    if (this.logs.push([record])) void this.flush();
  }

  /** One flush at a time; callers share the running one. */
  flush(): Promise<void> {
    this.flushing ??= Promise.all([this.spans.flush(), this.logs.flush()]).then(() => {
      this.flushing = undefined;
    });
    return this.flushing;
  }

  async stop(): Promise<void> {
    clearInterval(this.timer);
    await this.flush();
  }
}
