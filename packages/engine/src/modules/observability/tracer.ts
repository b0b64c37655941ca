/** The `tracer` service: engine-made spans, stored in the same span store as SDK spans. */

import type { SpanHandle, SpanKind, StartSpanOptions, Tracer } from '../../core/telemetry.ts';
import type { AttrValue } from '../../protocol/otel-frames.ts';
import { formatTraceparent, newSpanId, newTraceId, nowNanos, parseBaggage, parseTraceparent } from './clock.ts';
import type { ObservabilityConfig } from './config.ts';
import type { ObservabilityHub } from './hub.ts';
import { attrString, type SpanRecord } from './records.ts';

const KINDS: Record<SpanKind, number> = { internal: 1, server: 2, client: 3, producer: 4, consumer: 5 };

/** Observability functions never get spans (they would flood the store they query). */
const UNTRACED = /^engine::(log|logs|traces|metrics|health|baggage|sampling|alerts|rollups)::/;

export function createTracer(hub: ObservabilityHub, engineVersion: string): Tracer {
  const startSpan = (name: string, opts: StartSpanOptions = {}): SpanHandle => {
    const parent = parseTraceparent(opts.parent);
    const traceId = parent?.traceId ?? newTraceId();
    const sampled = decideSampled(hub.config, name, parent?.sampled);
    const span: SpanRecord = {
      traceId,
      spanId: newSpanId(),
      parentSpanId: parent?.spanId ?? null,
      name,
      kind: KINDS[opts.kind ?? 'internal'],
      start: nowNanos(),
      end: 0n,
      status: 'unset',
      attributes: Object.entries(opts.attributes ?? {}).map(([k, v]) => [k, attrString(v)]),
      serviceName: hub.config.service_name,
      events: [],
      links: [],
      scopeName: 'iii',
      scopeVersion: engineVersion,
      flags: sampled ? 1 : 0,
    };
    if (sampled && hub.config.live_spans) hub.addSpans([{ ...span, pending: true }]);
    return handle(hub, span, sampled);
  };
  return {
    startSpan,
    startCallSpan(functionId, call) {
      if (!parseTraceparent(call.traceparent) || UNTRACED.test(functionId)) return undefined;
      const attributes: Record<string, AttrValue> = { function_id: functionId, 'iii.function.id': functionId };
      for (const [k, v] of Object.entries(parseBaggage(call.baggage))) attributes[k] = v;
      return startSpan(`call ${functionId}`, { parent: call.traceparent, attributes, kind: 'internal' });
    },
  };
}

function handle(hub: ObservabilityHub, span: SpanRecord, sampled: boolean): SpanHandle {
  let ended = false;
  return {
    traceId: span.traceId,
    spanId: span.spanId,
    traceparent: formatTraceparent(span.traceId, span.spanId, sampled),
    sampled,
    setAttribute(k: string, v: AttrValue) {
      const s = attrString(v);
      const at = span.attributes.findIndex(([ak]) => ak === k);
      if (at >= 0) span.attributes[at] = [k, s];
      else span.attributes.push([k, s]);
    },
    setStatus(status, description) {
      span.status = status;
      span.statusDescription = description;
    },
    addEvent(name, attributes = {}) {
      span.events.push({ name, time: nowNanos(), attributes: Object.entries(attributes).map(([k, v]) => [k, attrString(v)]) });
    },
    end() {
      if (ended) return;
      ended = true;
      span.end = nowNanos();
      if (sampled) hub.addSpans([{ ...span }]);
    },
  };
}

/**
 * Head sampling for engine spans: follow a sampled/unsampled parent when `parent_based`; otherwise
 * the first matching `sampling.rules` entry (operation = span-name substring, service = our service
 * name), else `sampling.default`, else `sampling_ratio`.
 */
function decideSampled(c: ObservabilityConfig, name: string, parentSampled: boolean | undefined): boolean {
  const parentBased = c.sampling?.parent_based ?? true;
  if (parentBased && parentSampled !== undefined) return parentSampled;
  const rule = c.sampling?.rules.find((r) => (!r.operation || name.includes(r.operation)) && (!r.service || r.service === c.service_name));
  const ratio = rule?.rate ?? c.sampling?.default ?? c.sampling_ratio;
  return ratio >= 1 || Math.random() < ratio;
}
