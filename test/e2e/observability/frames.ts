/** Build OTLP/JSON telemetry frames the way the SDK encodes them (hex ids, decimal-string nanos). */
import { randomBytes } from 'node:crypto';

export const hex = (bytes: number): string => randomBytes(bytes).toString('hex');

export interface SpanSpec {
  traceId: string;
  spanId?: string;
  parentSpanId?: string;
  name: string;
  /** Epoch nanoseconds. */
  start: bigint;
  durationMs: number;
  status?: 0 | 1 | 2;
  attributes?: Record<string, string>;
}

const kv = (attrs: Record<string, string>): unknown[] => Object.entries(attrs).map(([key, v]) => ({ key, value: { stringValue: v } }));

export function spansFrame(service: string, specs: SpanSpec[]): Buffer {
  const spans = specs.map((s) => ({
    traceId: s.traceId,
    spanId: s.spanId ?? hex(8),
    ...(s.parentSpanId ? { parentSpanId: s.parentSpanId } : {}),
    name: s.name,
    kind: 1,
    startTimeUnixNano: String(s.start),
    endTimeUnixNano: String(s.start + BigInt(Math.round(s.durationMs * 1e6))),
    attributes: kv(s.attributes ?? {}),
    events: [],
    links: [],
    status: { code: s.status ?? 1 },
  }));
  const body = {
    resourceSpans: [{ resource: { attributes: kv({ 'service.name': service }) }, scopeSpans: [{ scope: { name: 'test' }, spans }] }],
  };
  return Buffer.from(`OTLP${JSON.stringify(body)}`);
}

export function logFrame(service: string, body: string, extra: { severityNumber?: number; traceId?: string } = {}): Buffer {
  const now = String(BigInt(Date.now()) * 1_000_000n);
  const record = {
    timeUnixNano: now,
    observedTimeUnixNano: now,
    severityNumber: extra.severityNumber ?? 9,
    body: { stringValue: body },
    attributes: [{ key: 'log.data', value: { kvlistValue: { values: [{ key: 'n', value: { intValue: '7' } }] } } }],
    ...(extra.traceId ? { traceId: extra.traceId, spanId: hex(8) } : {}),
  };
  const payload = {
    resourceLogs: [
      { resource: { attributes: kv({ 'service.name': service }) }, scopeLogs: [{ scope: { name: 'test' }, logRecords: [record] }] },
    ],
  };
  return Buffer.from(`LOGS${JSON.stringify(payload)}`);
}

/** One gauge data point per (name, value), stamped now, shaped like the SDK's worker gauges. */
export function gaugeFrame(service: string, workerId: string, gauges: Record<string, number>): Buffer {
  const now = String(BigInt(Date.now()) * 1_000_000n);
  const metrics = Object.entries(gauges).map(([name, v]) => ({
    name,
    unit: 'bytes',
    gauge: { dataPoints: [{ attributes: kv({ 'worker.id': workerId }), startTimeUnixNano: now, timeUnixNano: now, asDouble: v }] },
  }));
  const body = {
    resourceMetrics: [
      {
        resource: { attributes: kv({ 'service.name': service, 'telemetry.sdk.language': 'nodejs' }) },
        scopeMetrics: [{ scope: { name: 'iii-node' }, metrics }],
      },
    ],
  };
  return Buffer.from(`MTRC${JSON.stringify(body)}`);
}
