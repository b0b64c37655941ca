/**
 * What the stores keep (bigint nanos, hex ids) and how it is rendered in function results.
 *
 * Timestamps: kept as bigint so ordering and durations are exact; rendered as plain JSON numbers
 * because results travel through JSON.stringify (which rejects bigint) and the tutorial's jq does
 * double arithmetic anyway. Current epoch nanos (~1.8e18) exceed 2^53, so rendered values are
 * rounded to the nearest representable double (≈256 ns) — same loss any JSON.parse reader has.
 */
import type { Attrs, AttrValue, OtelLogRecord, OtelSpan } from '../../protocol/otel-frames.ts';

export type SpanStatus = 'ok' | 'error' | 'unset';
export type StringPairs = Array<[string, string]>;

export interface SpanRecord {
  traceId: string;
  spanId: string;
  parentSpanId: string | null;
  name: string;
  kind: number;
  start: bigint;
  /** 0n while pending. */
  end: bigint;
  status: SpanStatus;
  statusDescription?: string;
  attributes: StringPairs;
  serviceName: string;
  events: Array<{ name: string; time: bigint; attributes: StringPairs }>;
  links: Array<{ traceId: string; spanId: string; traceState: string | null; attributes: StringPairs }>;
  scopeName?: string;
  scopeVersion?: string;
  flags?: number;
  traceState?: string;
  pending?: boolean;
}

export interface LogRecord {
  time: bigint;
  observed: bigint;
  severityNumber: number;
  severityText: string;
  body: string;
  attributes: Record<string, AttrValue>;
  traceId: string | null;
  spanId: string | null;
  resource: Record<string, string>;
  serviceName: string;
  scopeName?: string;
  scopeVersion?: string;
}

/** Span attribute values are listed as strings (`["k","v"]` pairs), like the reference. */
export function attrString(v: AttrValue): string {
  return typeof v === 'string' ? v : JSON.stringify(v);
}

const pairs = (a: Attrs): StringPairs => a.map(([k, v]) => [k, attrString(v)]);
const STATUS: Record<number, SpanStatus> = { 1: 'ok', 2: 'error' };

export function serviceNameOf(resource: Attrs, fallback = 'unknown'): string {
  const found = resource.find(([k]) => k === 'service.name');
  return found && typeof found[1] === 'string' ? found[1] : fallback;
}

export function spanFromOtel(s: OtelSpan): SpanRecord {
  return {
    traceId: s.traceId,
    spanId: s.spanId,
    parentSpanId: s.parentSpanId ?? null,
    name: s.name,
    kind: s.kind,
    start: s.startTimeUnixNano,
    end: s.endTimeUnixNano,
    status: STATUS[s.statusCode] ?? 'unset',
    statusDescription: s.statusMessage,
    attributes: pairs(s.attributes),
    serviceName: serviceNameOf(s.resource),
    events: s.events.map((e) => ({ name: e.name, time: e.timeUnixNano, attributes: pairs(e.attributes) })),
    links: s.links.map((l) => ({
      traceId: l.traceId,
      spanId: l.spanId,
      traceState: l.traceState ?? null,
      attributes: pairs(l.attributes),
    })),
    scopeName: s.scope.name,
    scopeVersion: s.scope.version,
    flags: s.flags,
    traceState: s.traceState,
  };
}

export function logFromOtel(l: OtelLogRecord): LogRecord {
  const resource: Record<string, string> = {};
  for (const [k, v] of l.resource) resource[k] = attrString(v);
  return {
    // Records without an event time (allowed by OTLP) sort by when they were observed.
    time: l.timeUnixNano === 0n ? l.observedTimeUnixNano : l.timeUnixNano,
    observed: l.observedTimeUnixNano,
    severityNumber: l.severityNumber,
    severityText: l.severityText ?? '',
    body: l.body === null ? '' : attrString(l.body),
    attributes: Object.fromEntries(l.attributes),
    traceId: l.traceId ?? null,
    spanId: l.spanId ?? null,
    resource,
    serviceName: serviceNameOf(l.resource),
    scopeName: l.scope.name,
    scopeVersion: l.scope.version,
  };
}

export const toNumber = (n: bigint): number => Number(n);

export function attr(span: SpanRecord, key: string): string | undefined {
  return span.attributes.find(([k]) => k === key)?.[1];
}

/** Duration in ms; pending spans are measured "so far" against `nowNs`. */
export function durationMs(span: SpanRecord, nowNs: bigint): number {
  const end = span.end === 0n || span.pending ? nowNs : span.end;
  return end > span.start ? Number(end - span.start) / 1e6 : 0;
}

/** The `StoredSpan` JSON shape (protocol.md §5.2). */
export function spanJson(s: SpanRecord): Record<string, unknown> {
  const out: Record<string, unknown> = {
    trace_id: s.traceId,
    span_id: s.spanId,
    parent_span_id: s.parentSpanId,
    name: s.name,
    start_time_unix_nano: toNumber(s.start),
    end_time_unix_nano: toNumber(s.end),
    status: s.status,
    attributes: s.attributes,
    service_name: s.serviceName,
    events: s.events.map((e) => ({ name: e.name, timestamp_unix_nano: toNumber(e.time), attributes: e.attributes })),
    links: s.links.map((l) => ({ trace_id: l.traceId, span_id: l.spanId, trace_state: l.traceState, attributes: l.attributes })),
  };
  if (s.statusDescription) out.status_description = s.statusDescription;
  if (s.scopeName) out.instrumentation_scope_name = s.scopeName;
  if (s.scopeVersion) out.instrumentation_scope_version = s.scopeVersion;
  if (s.flags !== undefined) out.flags = s.flags;
  if (s.traceState) out.trace_state = s.traceState;
  if (s.pending) out.pending = true;
  return out;
}

/** The `StoredLog` JSON shape (protocol.md §5.2, also the `log` trigger payload). */
export function logJson(l: LogRecord): Record<string, unknown> {
  const out: Record<string, unknown> = {
    timestamp_unix_nano: toNumber(l.time),
    observed_timestamp_unix_nano: toNumber(l.observed),
    severity_number: l.severityNumber,
    severity_text: l.severityText,
    body: l.body,
    attributes: l.attributes,
    trace_id: l.traceId,
    span_id: l.spanId,
    resource: l.resource,
    service_name: l.serviceName,
  };
  if (l.scopeName) out.instrumentation_scope_name = l.scopeName;
  if (l.scopeVersion) out.instrumentation_scope_version = l.scopeVersion;
  return out;
}
