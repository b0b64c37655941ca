/**
 * Trigger types `log` and `trace` (protocol.md §4.2.7/§4.2.8, workers.md §8.4).
 */
import { z } from 'zod';
import { check, formatIssues, type Schema } from '../../core/config/schema.ts';
import { EngineError } from '../../core/errors/index.ts';
import type { EngineApi, TriggerInstance, TriggerTypeDef } from '../module.ts';
import { formatTraceparent, newSpanId, newTraceId } from './clock.ts';
import type { ObservabilityHub } from './hub.ts';
import { type LogRecord, logJson, type SpanRecord } from './records.ts';
import { isInternalSpan } from './trace-query.ts';

const LEVELS = ['all', 'trace', 'debug', 'info', 'warn', 'error'] as const;
type Level = (typeof LEVELS)[number];
const logConfig = z.looseObject({ level: z.string().optional() });
const traceConfig = z.looseObject({ service_name: z.string().optional(), status: z.string().optional() });

function parseConfig<T>(schema: Schema<T>, t: TriggerInstance): T {
  const r = check(schema, t.config ?? {});
  if (!r.ok) throw new EngineError('trigger_registration_failed', `invalid ${t.trigger_type} trigger config: ${formatIssues(r.issues)}`);
  return r.value;
}

/**
 * The level of a record: its `severity_text` lowercased, or — for Node SDK records, which carry
 * only a severity number — the level that number belongs to. (The reference matches Node records
 * only with `all`; deriving the level is a deliberate improvement so `level: info` works for them.)
 */
export function levelOf(r: LogRecord): string {
  const text = r.severityText.toLowerCase();
  if (text) return text === 'warning' ? 'warn' : text;
  const n = r.severityNumber;
  return n >= 17 ? 'error' : n >= 13 ? 'warn' : n >= 9 ? 'info' : n >= 5 ? 'debug' : 'trace';
}

export function logTriggerType(hub: ObservabilityHub, engine: EngineApi): { def: TriggerTypeDef; dispose: () => void } {
  const triggers = new Map<string, { level: Level; t: TriggerInstance }>();
  const dispose = hub.onLog((record) => {
    if (triggers.size === 0) return;
    const level = levelOf(record);
    const payload = logJson(record);
    for (const { level: want, t } of triggers.values())
      if (want === 'all' || want === level) engine.invokeVoid(t.function_id, payload, { metadata: t.metadata });
  });
  const def: TriggerTypeDef = {
    id: 'log',
    description: 'Fires for every stored log record of the configured level (or all)',
    configuration_schema: { type: 'object', properties: { level: { type: 'string', enum: [...LEVELS] } } },
    register(t) {
      const level = (parseConfig(logConfig, t).level ?? 'all').toLowerCase();
      const known = LEVELS.find((l) => l === level);
      if (!known)
        throw new EngineError('trigger_registration_failed', `log trigger level must be one of ${LEVELS.join(', ')}, got '${level}'`);
      triggers.set(t.id, { level: known, t });
    },
    unregister(t) {
      triggers.delete(t.id);
    },
  };
  return { def, dispose };
}

/** Ticks are coalesced: at most one delivery per trigger per window. */
export const TRACE_TICK_MS = 300;
/** Remember this many delivery traces so a handler's own spans never re-fire the trigger. */
const DELIVERY_MEMORY = 10_000;

export function traceTriggerType(hub: ObservabilityHub, engine: EngineApi): { def: TriggerTypeDef; dispose: () => void } {
  const triggers = new Map<string, { service?: string; status?: string; t: TriggerInstance }>();
  const dirty = new Map<string, SpanRecord[]>();
  const deliveries = new Set<string>();
  let timer: NodeJS.Timeout | undefined;

  const flush = (): void => {
    timer = undefined;
    const batch = [...dirty.entries()];
    dirty.clear();
    for (const { service, status, t } of triggers.values()) {
      const ids = batch
        .filter(([, spans]) =>
          spans.some((sp) => (!service || sp.serviceName.toLowerCase() === service) && (!status || sp.status === status)),
        )
        .map(([id]) => id);
      if (ids.length === 0) continue;
      // Deliver under a trace id we know, so the handler's spans are recognised and skipped.
      const traceId = newTraceId();
      remember(deliveries, traceId);
      engine.invokeVoid(t.function_id, { trace_ids: ids }, { metadata: t.metadata, traceparent: formatTraceparent(traceId, newSpanId()) });
    }
  };

  const dispose = hub.onSpans(
    (spans) => {
      if (triggers.size === 0) return;
      for (const sp of spans) {
        if (isInternalSpan(sp) || deliveries.has(sp.traceId)) continue;
        const list = dirty.get(sp.traceId) ?? [];
        list.push(sp);
        dirty.set(sp.traceId, list);
      }
      if (dirty.size > 0 && !timer) timer = setTimeout(flush, TRACE_TICK_MS).unref();
    },
    () => triggers.size > 0,
  );

  const def: TriggerTypeDef = {
    id: 'trace',
    description: 'Debounced "traces changed" tick: {trace_ids}',
    configuration_schema: {
      type: 'object',
      properties: { service_name: { type: 'string' }, status: { type: 'string', enum: ['ok', 'error', 'unset'] } },
    },
    register(t) {
      const c = parseConfig(traceConfig, t);
      triggers.set(t.id, { service: c.service_name?.toLowerCase(), status: c.status?.toLowerCase(), t });
    },
    unregister(t) {
      triggers.delete(t.id);
    },
  };
  return {
    def,
    dispose: () => {
      dispose();
      if (timer) clearTimeout(timer);
    },
  };
}

function remember(set: Set<string>, id: string): void {
  set.add(id);
  if (set.size > DELIVERY_MEMORY) set.delete(set.values().next().value!);
}
