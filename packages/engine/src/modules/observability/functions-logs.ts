/** `engine::log::*` (write) and `engine::logs::list|clear` (read) — protocol.md §5.2, workers.md §8.2. */
import { z } from 'zod';
import type { AttrValue } from '../../protocol/otel-frames.ts';
import { defineFunction, noInput } from '../define-function.ts';
import type { LocalFunction } from '../module.ts';
import { nowNanos } from './clock.ts';
import { logsInMemory } from './config.ts';
import type { ObservabilityHub } from './hub.ts';
import { type LogRecord, logJson } from './records.ts';

const SEVERITIES = { info: [9, 'INFO'], warn: [13, 'WARN'], error: [17, 'ERROR'], debug: [5, 'DEBUG'], trace: [1, 'TRACE'] } as const;

const logInput = z.looseObject({
  message: z.string(),
  data: z.record(z.string(), z.unknown()).optional(),
  trace_id: z.string().optional(),
  span_id: z.string().optional(),
  service_name: z.string().optional(),
});

function logFunction(hub: ObservabilityHub, level: keyof typeof SEVERITIES): LocalFunction {
  const [severityNumber, severityText] = SEVERITIES[level];
  const id = `engine::log::${level}`;
  return defineFunction({
    id,
    description: `Store a ${severityText} log record`,
    input: logInput,
    handler(q) {
      const now = nowNanos();
      const serviceName = q.service_name ?? hub.config.service_name;
      // `data` keys become attributes (JSON values, like SDK kvlists).
      const attributes: Record<string, AttrValue> = {};
      for (const [k, v] of Object.entries(q.data ?? {})) attributes[k] = toAttr(v);
      const record: LogRecord = {
        time: now,
        observed: now,
        severityNumber,
        severityText,
        body: q.message,
        attributes,
        traceId: q.trace_id ?? null,
        spanId: q.span_id ?? null,
        resource: { 'service.name': serviceName },
        serviceName,
      };
      hub.addLog(record, 'call');
      return undefined;
    },
  });
}

/** Arbitrary JSON input → AttrValue (undefined and functions cannot arrive over JSON; map defensively). */
function toAttr(v: unknown): AttrValue {
  if (v === null || typeof v === 'string' || typeof v === 'number' || typeof v === 'boolean') return v;
  if (Array.isArray(v)) return v.map(toAttr);
  if (typeof v === 'object') return Object.fromEntries(Object.entries(v).map(([k, x]) => [k, toAttr(x)]));
  return null;
}

const listInput = z.looseObject({
  start_time: z.number().optional(),
  end_time: z.number().optional(),
  trace_id: z.string().optional(),
  span_id: z.string().optional(),
  severity_min: z.int().min(1).max(24).optional(),
  severity_text: z.string().optional(),
  offset: z.int().min(0).optional(),
  limit: z.int().min(0).optional(),
});

function listLogs(hub: ObservabilityHub): LocalFunction {
  return defineFunction({
    id: 'engine::logs::list',
    description: 'List stored log records, newest first',
    input: listInput,
    handler(q) {
      const timestamp = Date.now();
      if (!logsInMemory(hub.config)) return { logs: [], total: 0, timestamp };
      const startNs = q.start_time === undefined ? undefined : BigInt(Math.floor(q.start_time)) * 1_000_000n;
      const endNs = q.end_time === undefined ? undefined : BigInt(Math.floor(q.end_time)) * 1_000_000n;
      const text = q.severity_text?.toLowerCase();
      const matches = hub.logs
        .items()
        .filter(
          (l) =>
            (startNs === undefined || l.time >= startNs) &&
            (endNs === undefined || l.time <= endNs) &&
            (q.trace_id === undefined || l.traceId === q.trace_id) &&
            (q.span_id === undefined || l.spanId === q.span_id) &&
            (q.severity_min === undefined || l.severityNumber >= q.severity_min) &&
            (text === undefined || l.severityText.toLowerCase() === text),
        )
        .reverse();
      // Stable newest-first: insertion order breaks ties between equal timestamps.
      matches.sort((a, b) => (a.time > b.time ? -1 : a.time < b.time ? 1 : 0));
      const offset = q.offset ?? 0;
      const page = q.limit === undefined ? matches.slice(offset) : matches.slice(offset, offset + q.limit);
      const query = {
        trace_id: q.trace_id ?? null,
        span_id: q.span_id ?? null,
        severity_min: q.severity_min ?? null,
        severity_text: q.severity_text ?? null,
        start_time: q.start_time ?? null,
        end_time: q.end_time ?? null,
        offset: q.offset ?? null,
        limit: q.limit ?? null,
      };
      return { logs: page.map(logJson), total: matches.length, query, timestamp };
    },
  });
}

function clearLogs(hub: ObservabilityHub): LocalFunction {
  return defineFunction({
    id: 'engine::logs::clear',
    description: 'Drop every stored log record',
    input: noInput,
    handler() {
      const removed = hub.logs.size;
      hub.logs.clear();
      return { success: true, message: `cleared ${removed} log records` };
    },
  });
}

export function logFunctions(hub: ObservabilityHub): LocalFunction[] {
  return [...(Object.keys(SEVERITIES) as Array<keyof typeof SEVERITIES>).map((l) => logFunction(hub, l)), listLogs(hub), clearLogs(hub)];
}
