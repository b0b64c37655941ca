/**
 * Telemetry frames from SDKs (protocol.md §7): one binary WebSocket frame = 4 ASCII bytes
 * (`OTLP` spans, `MTRC` metrics, `LOGS` logs) + UTF-8 OTLP/JSON.
 *
 * `parseOtelFrame` turns such a frame into flat, typed records once, at the edge. It validates from
 * `unknown` with narrow type guards rather than `s` schemas because OTLP `AnyValue` is recursive and
 * this is the hot path (one frame per log line). Like the codec it never throws: envelope problems
 * (unknown prefix, bad JSON, no `resource*` array) come back as `{ ok: false }` with `E_OTEL_BAD_FRAME`;
 * a single malformed record is skipped and counted in `dropped`, so one bad span does not cost the rest
 * of its batch.
 *
 * Encoding rules accepted (otlp-transformer 0.57 emits the first form of each):
 * ids as hex (or base64, the proto3 JSON mapping); `*UnixNano` as decimal strings or numbers → bigint;
 * `intValue` as number or string → number (precision is lost beyond 2^53, like JSON.parse would);
 * `kvlistValue` → plain object, `arrayValue` → array, empty AnyValue → null.
 */
import type { ErrorBody } from './errors.ts';

export type AttrValue = string | number | boolean | null | AttrValue[] | { [key: string]: AttrValue };
/** Attributes in wire order (span attributes are listed as pairs, so order is kept). */
export type Attrs = Array<[key: string, value: AttrValue]>;

export interface OtelScope {
  name?: string;
  version?: string;
}
/** What every record carries about where it came from. */
export interface OtelOrigin {
  resource: Attrs;
  scope: OtelScope;
}

export interface OtelSpanEvent {
  name: string;
  timeUnixNano: bigint;
  attributes: Attrs;
}
export interface OtelSpanLink {
  traceId: string;
  spanId: string;
  traceState?: string;
  attributes: Attrs;
}
export interface OtelSpan extends OtelOrigin {
  traceId: string;
  spanId: string;
  parentSpanId?: string;
  traceState?: string;
  flags?: number;
  name: string;
  /** OTLP SpanKind: 0 unspecified, 1 internal, 2 server, 3 client, 4 producer, 5 consumer. */
  kind: number;
  startTimeUnixNano: bigint;
  endTimeUnixNano: bigint;
  attributes: Attrs;
  events: OtelSpanEvent[];
  links: OtelSpanLink[];
  /** OTLP StatusCode: 0 unset, 1 ok, 2 error. */
  statusCode: number;
  statusMessage?: string;
}

export interface OtelLogRecord extends OtelOrigin {
  timeUnixNano: bigint;
  observedTimeUnixNano: bigint;
  severityNumber: number;
  severityText?: string;
  body: AttrValue;
  attributes: Attrs;
  traceId?: string;
  spanId?: string;
  flags?: number;
}

export type MetricKind = 'gauge' | 'sum' | 'histogram' | 'exponentialHistogram' | 'summary';
export interface OtelMetricPoint extends OtelOrigin {
  metricName: string;
  description?: string;
  unit?: string;
  kind: MetricKind;
  attributes: Attrs;
  startTimeUnixNano: bigint;
  timeUnixNano: bigint;
  /** `asDouble`/`asInt` for gauges and sums; `sum` for histograms and summaries (when present). */
  value?: number;
  count?: number;
}

export type OtelFrame =
  | { signal: 'traces'; spans: OtelSpan[]; dropped: number }
  | { signal: 'logs'; logs: OtelLogRecord[]; dropped: number }
  | { signal: 'metrics'; points: OtelMetricPoint[]; dropped: number };

export type ParsedOtelFrame = { ok: true; frame: OtelFrame } | { ok: false; error: ErrorBody };

export const OTEL_PREFIXES = { OTLP: 'traces', LOGS: 'logs', MTRC: 'metrics' } as const;

type Obj = Record<string, unknown>;
const isObj = (v: unknown): v is Obj => typeof v === 'object' && v !== null && !Array.isArray(v);
const arr = (v: unknown): unknown[] => (Array.isArray(v) ? v : []);
const str = (v: unknown): string | undefined => (typeof v === 'string' ? v : undefined);
const num = (v: unknown): number | undefined => (typeof v === 'number' && Number.isFinite(v) ? v : undefined);
/** Thrown inside record parsers; caught per record and counted as dropped. */
class BadRecord extends Error {}
/** Thrown for envelope problems; caught once in `parseOtelFrame` and returned as `E_OTEL_BAD_FRAME`. */
class BadFrame extends Error {}

function bad(message: string): BadFrame {
  return new BadFrame(message);
}

/** Parse one binary telemetry frame. Never throws: envelope problems are `{ ok: false, error }`. */
export function parseOtelFrame(frame: Uint8Array): ParsedOtelFrame {
  try {
    return { ok: true, frame: parseEnvelope(frame) };
  } catch (err) {
    if (!(err instanceof BadFrame)) throw err;
    return { ok: false, error: { code: 'E_OTEL_BAD_FRAME', message: err.message } };
  }
}

function parseEnvelope(frame: Uint8Array): OtelFrame {
  if (frame.length < 4) throw bad(`telemetry frame too short (${frame.length} bytes)`);
  const prefix = Buffer.from(frame.buffer, frame.byteOffset, 4).toString('latin1');
  if (!Object.hasOwn(OTEL_PREFIXES, prefix)) throw bad(`unknown telemetry frame prefix ${JSON.stringify(prefix)}`);
  let body: unknown;
  try {
    body = JSON.parse(Buffer.from(frame.buffer, frame.byteOffset + 4, frame.length - 4).toString('utf8'));
  } catch (err) {
    throw bad(`telemetry frame ${prefix} is not valid JSON: ${err instanceof Error ? err.message : String(err)}`);
  }
  if (!isObj(body)) throw bad(`telemetry frame ${prefix} body must be a JSON object`);
  if (prefix === 'OTLP') {
    const r = collect(body, ['resourceSpans', 'scopeSpans', 'spans'], parseSpan);
    return { signal: 'traces', spans: r.items, dropped: r.dropped };
  }
  if (prefix === 'LOGS') {
    const r = collect(body, ['resourceLogs', 'scopeLogs', 'logRecords'], parseLog);
    return { signal: 'logs', logs: r.items, dropped: r.dropped };
  }
  const r = collect(body, ['resourceMetrics', 'scopeMetrics', 'metrics'], parseMetric);
  return { signal: 'metrics', points: r.items.flat(), dropped: r.dropped };
}

/** Walk resource → scope → records, the same three levels for every signal. */
function collect<T>(
  body: Obj,
  keys: [resource: string, scope: string, record: string],
  parse: (raw: unknown, origin: OtelOrigin) => T,
): { items: T[]; dropped: number } {
  const [resourceKey, scopeKey, recordKey] = keys;
  const resources = body[resourceKey];
  if (!Array.isArray(resources)) throw bad(`telemetry body has no "${resourceKey}" array`);
  const items: T[] = [];
  let dropped = 0;
  for (const res of resources) {
    const resource = isObj(res) && isObj(res.resource) ? parseAttrs(res.resource.attributes) : [];
    for (const sc of isObj(res) ? arr(res[scopeKey]) : []) {
      const scope = isObj(sc) && isObj(sc.scope) ? { name: str(sc.scope.name), version: str(sc.scope.version) || undefined } : {};
      for (const raw of isObj(sc) ? arr(sc[recordKey]) : []) {
        try {
          items.push(parse(raw, { resource, scope }));
        } catch (err) {
          if (!(err instanceof BadRecord)) throw err;
          dropped++;
        }
      }
    }
  }
  return { items, dropped };
}

function parseSpan(raw: unknown, origin: OtelOrigin): OtelSpan {
  if (!isObj(raw)) throw new BadRecord();
  const traceId = id(raw.traceId, 16);
  const spanId = id(raw.spanId, 8);
  if (!traceId || !spanId) throw new BadRecord();
  const status = isObj(raw.status) ? raw.status : {};
  return {
    resource: origin.resource,
    scope: origin.scope,
    traceId,
    spanId,
    parentSpanId: id(raw.parentSpanId, 8),
    traceState: str(raw.traceState) || undefined,
    flags: num(raw.flags),
    name: str(raw.name) ?? '',
    kind: num(raw.kind) ?? 0,
    startTimeUnixNano: nanos(raw.startTimeUnixNano),
    endTimeUnixNano: nanos(raw.endTimeUnixNano),
    attributes: parseAttrs(raw.attributes),
    events: arr(raw.events)
      .filter(isObj)
      .map((e) => ({ name: str(e.name) ?? '', timeUnixNano: nanos(e.timeUnixNano), attributes: parseAttrs(e.attributes) })),
    links: arr(raw.links).flatMap((l) => {
      const linkTrace = isObj(l) ? id(l.traceId, 16) : undefined;
      const linkSpan = isObj(l) ? id(l.spanId, 8) : undefined;
      if (!isObj(l) || !linkTrace || !linkSpan) return [];
      return [{ traceId: linkTrace, spanId: linkSpan, traceState: str(l.traceState) || undefined, attributes: parseAttrs(l.attributes) }];
    }),
    statusCode: num(status.code) ?? 0,
    statusMessage: str(status.message) || undefined,
  };
}

function parseLog(raw: unknown, origin: OtelOrigin): OtelLogRecord {
  if (!isObj(raw)) throw new BadRecord();
  return {
    resource: origin.resource,
    scope: origin.scope,
    timeUnixNano: nanos(raw.timeUnixNano),
    observedTimeUnixNano: nanos(raw.observedTimeUnixNano),
    severityNumber: num(raw.severityNumber) ?? 0,
    severityText: str(raw.severityText) || undefined,
    body: anyValue(raw.body),
    attributes: parseAttrs(raw.attributes),
    traceId: id(raw.traceId, 16),
    spanId: id(raw.spanId, 8),
    flags: num(raw.flags),
  };
}

const METRIC_KINDS: readonly MetricKind[] = ['gauge', 'sum', 'histogram', 'exponentialHistogram', 'summary'];

/** A metric expands to one record per data point. */
function parseMetric(raw: unknown, origin: OtelOrigin): OtelMetricPoint[] {
  if (!isObj(raw) || typeof raw.name !== 'string') throw new BadRecord();
  const metricName = raw.name;
  const kind = METRIC_KINDS.find((k) => isObj(raw[k]));
  if (!kind) throw new BadRecord();
  const data = raw[kind];
  return arr(isObj(data) ? data.dataPoints : undefined)
    .filter(isObj)
    .map((p) => ({
      resource: origin.resource,
      scope: origin.scope,
      metricName,
      description: str(raw.description) || undefined,
      unit: str(raw.unit) || undefined,
      kind,
      attributes: parseAttrs(p.attributes),
      startTimeUnixNano: nanos(p.startTimeUnixNano),
      timeUnixNano: nanos(p.timeUnixNano),
      value: num(p.asDouble) ?? intOf(p.asInt) ?? num(p.sum),
      count: intOf(p.count),
    }));
}

/** `[{key, value: AnyValue}]` → ordered pairs; entries without a string key are skipped. */
export function parseAttrs(v: unknown): Attrs {
  const out: Attrs = [];
  for (const kv of arr(v)) if (isObj(kv) && typeof kv.key === 'string') out.push([kv.key, anyValue(kv.value)]);
  return out;
}

/** OTLP AnyValue → JSON value. */
export function anyValue(v: unknown): AttrValue {
  if (!isObj(v)) return null;
  if (typeof v.stringValue === 'string') return v.stringValue;
  if (typeof v.boolValue === 'boolean') return v.boolValue;
  if (v.intValue !== undefined) return intOf(v.intValue) ?? null;
  if (v.doubleValue !== undefined) return num(v.doubleValue) ?? (typeof v.doubleValue === 'string' ? Number(v.doubleValue) : null);
  if (isObj(v.arrayValue)) return arr(v.arrayValue.values).map(anyValue);
  if (isObj(v.kvlistValue)) return Object.fromEntries(parseAttrs(v.kvlistValue.values));
  if (typeof v.bytesValue === 'string') return v.bytesValue;
  return null;
}

function intOf(v: unknown): number | undefined {
  if (typeof v === 'number' && Number.isFinite(v)) return Math.trunc(v);
  if (typeof v === 'string' && /^-?\d+$/.test(v)) return Number(v);
  return undefined;
}

/** Timestamps: decimal string or number → bigint nanoseconds; anything else → 0n. */
export function nanos(v: unknown): bigint {
  if (typeof v === 'string' && /^\d+$/.test(v)) return BigInt(v);
  if (typeof v === 'number' && Number.isFinite(v) && v >= 0) return BigInt(Math.trunc(v));
  return 0n;
}

const ZERO = /^0+$/;

/**
 * Trace/span id of `bytes` bytes → lowercase hex, or undefined when absent, empty or all zeros.
 * Hex is what the Node SDK sends; base64 is the proto3 JSON mapping other exporters use.
 */
export function id(v: unknown, bytes: 8 | 16): string | undefined {
  if (typeof v !== 'string' || v === '') return undefined;
  let hex: string | undefined;
  if (v.length === bytes * 2 && /^[0-9a-fA-F]+$/.test(v)) hex = v.toLowerCase();
  else if (/^[A-Za-z0-9+/]+={0,2}$/.test(v)) {
    const buf = Buffer.from(v, 'base64');
    if (buf.length === bytes) hex = buf.toString('hex');
  }
  return hex && !ZERO.test(hex) ? hex : undefined;
}
