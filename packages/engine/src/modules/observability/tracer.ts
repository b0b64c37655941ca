/** The `tracer` service: engine-made spans, stored in the same span store as SDK spans. */

import type { SpanHandle, SpanKind, Tracer } from '../../core/telemetry.ts';
import type { AttrValue } from '../../protocol/otel-frames.ts';
import { formatTraceparent, newSpanId, newTraceId, nowNanos, parseBaggage, parseTraceparent, type TraceContext } from './clock.ts';
import type { ObservabilityConfig } from './config.ts';
import type { ObservabilityHub } from './hub.ts';
import { attrString, type SpanRecord, type StringPairs } from './records.ts';

const KINDS: Record<SpanKind, number> = { internal: 1, server: 2, client: 3, producer: 4, consumer: 5 };

/** Observability functions never get spans (they would flood the store they query). */
const UNTRACED = /^engine::(log|logs|traces|metrics|health|baggage|sampling|alerts|rollups)::/;

export function createTracer(hub: ObservabilityHub, engineVersion: string): Tracer {
  const open = (name: string, parent: TraceContext | undefined, attributes: StringPairs, kind: SpanKind | undefined): SpanHandle => {
    const sampled = decideSampled(hub.config, name, parent?.sampled);
    const span: SpanRecord = {
      traceId: parent?.traceId ?? newTraceId(),
      spanId: newSpanId(),
      parentSpanId: parent?.spanId ?? null,
      name,
      kind: KINDS[kind ?? 'internal'],
      start: nowNanos(),
      end: 0n,
      status: 'unset',
      attributes,
      serviceName: hub.config.service_name,
      events: [],
      links: [],
      scopeName: 'iii',
      scopeVersion: engineVersion,
      flags: sampled ? 1 : 0,
    };
    if (sampled && hub.config.live_spans) hub.addSpans([{ ...span, pending: true }]);
    return new EngineSpan(hub, span, sampled);
  };
  return {
    startSpan: (name, opts = {}) => open(name, parseTraceparent(opts.parent), pairsOf(opts.attributes), opts.kind),
    startCallSpan(functionId, call) {
      const parent = parseTraceparent(call.traceparent);
      if (!parent || UNTRACED.test(functionId)) return undefined;
      const attributes: StringPairs = [
        ['function_id', functionId],
        ['iii.function.id', functionId],
      ];
      // Baggage entries become attributes; one named like ours replaces it in place (as keys of one object would).
      for (const [k, v] of baggageEntries(call.baggage)) {
        const at = attributes.findIndex(([ak]) => ak === k);
        if (at >= 0) attributes[at] = [k, v];
        else attributes.push([k, v]);
      }
      return open(`call ${functionId}`, parent, attributes, 'internal');
    },
  };
}

function pairsOf(attributes: Record<string, AttrValue> | undefined): StringPairs {
  const out: StringPairs = [];
  if (attributes) for (const k in attributes) out.push([k, attrString(attributes[k] as AttrValue)]);
  return out;
}

// Callers send the same baggage on call after call: its entries are parsed once per distinct value.
let lastBaggage: string | undefined;
let lastEntries: Array<[string, string]> = [];

function baggageEntries(value: string | undefined): Array<[string, string]> {
  if (value === undefined || value === '') return [];
  if (value !== lastBaggage) {
    lastEntries = Object.entries(parseBaggage(value));
    lastBaggage = value;
  }
  return lastEntries;
}

/** A class rather than an object of closures: one allocation per span instead of six. */
class EngineSpan implements SpanHandle {
  readonly traceId: string;
  readonly spanId: string;
  readonly traceparent: string;
  private ended = false;

  constructor(
    private readonly hub: ObservabilityHub,
    private readonly span: SpanRecord,
    readonly sampled: boolean,
  ) {
    this.traceId = span.traceId;
    this.spanId = span.spanId;
    this.traceparent = formatTraceparent(span.traceId, span.spanId, sampled);
  }

  // Changes after end() are ignored (as OpenTelemetry's spans do): the ended record is the stored one.
  setAttribute(k: string, v: AttrValue): void {
    if (this.ended) return;
    const s = attrString(v);
    const attributes = this.span.attributes;
    const at = attributes.findIndex(([ak]) => ak === k);
    if (at >= 0) attributes[at] = [k, s];
    else attributes.push([k, s]);
  }

  setStatus(status: 'ok' | 'error', description?: string): void {
    if (this.ended) return;
    this.span.status = status;
    this.span.statusDescription = description;
  }

  addEvent(name: string, attributes: Record<string, AttrValue> = {}): void {
    if (this.ended) return;
    this.span.events.push({ name, time: nowNanos(), attributes: pairsOf(attributes) });
  }

  end(): void {
    if (this.ended) return;
    this.ended = true;
    this.span.end = nowNanos();
    if (this.sampled) this.hub.addSpans([this.span]);
  }
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
