/**
 * In-memory span store, indexed by trace. Bounded by `memory_max_spans`: the oldest stored span is
 * evicted first. Insertion order is kept in an array queue rather than read from the Map's first key:
 * V8 Maps keep deleted entries as holes until they rehash, so `keys().next()` after many front deletions
 * walks every hole, which made FIFO eviction the engine's top cost under sustained load.
 */
import type { SpanRecord } from './records.ts';

/** Roots: no parent, or a parent that is not (or no longer) in the store. */
export function rootsOf(spans: SpanRecord[]): SpanRecord[] {
  if (spans.length === 1) return spans;
  const ids = new Set(spans.map((s) => s.spanId));
  return spans.filter((s) => s.parentSpanId === null || !ids.has(s.parentSpanId));
}

/** What trace listings read: ids, cached roots, and the spans of one trace on demand. */
export interface TraceSource {
  traceIds(): Iterable<string>;
  roots(traceId: string): SpanRecord[];
  trace(traceId: string): SpanRecord[];
}

export class SpanStore implements TraceSource {
  private readonly byKey = new Map<string, SpanRecord>();
  private readonly byTrace = new Map<string, Map<string, SpanRecord>>();
  /** Roots per trace, computed on first listing and dropped whenever that trace changes. */
  private readonly rootCache = new Map<string, SpanRecord[]>();
  /** Keys in first-insertion order; `head` is the next one to evict. */
  private order: string[] = [];
  private head = 0;

  constructor(private maxSpans: number) {}

  setMax(maxSpans: number): void {
    this.maxSpans = maxSpans;
    this.evict();
  }

  /** Store a span; a span with the same ids (e.g. a pending one that ended) is replaced in place. */
  add(span: SpanRecord): void {
    const key = `${span.traceId}:${span.spanId}`;
    if (!this.byKey.has(key)) this.order.push(key);
    this.byKey.set(key, span);
    let trace = this.byTrace.get(span.traceId);
    if (!trace) {
      trace = new Map();
      this.byTrace.set(span.traceId, trace);
    }
    trace.set(span.spanId, span);
    this.rootCache.delete(span.traceId);
    this.evict();
  }

  trace(traceId: string): SpanRecord[] {
    return [...(this.byTrace.get(traceId)?.values() ?? [])];
  }

  traceIds(): Iterable<string> {
    return this.byTrace.keys();
  }

  roots(traceId: string): SpanRecord[] {
    let roots = this.rootCache.get(traceId);
    if (!roots) {
      // Unknown ids (a query for a trace that is gone) are not cached: callers choose them.
      if (!this.byTrace.has(traceId)) return [];
      roots = rootsOf(this.trace(traceId));
      this.rootCache.set(traceId, roots);
    }
    return roots;
  }

  hasTrace(traceId: string): boolean {
    return this.byTrace.has(traceId);
  }

  /** Every trace as (id, spans). */
  *traces(): IterableIterator<[string, SpanRecord[]]> {
    for (const [id, spans] of this.byTrace) yield [id, [...spans.values()]];
  }

  get size(): number {
    return this.byKey.size;
  }

  clear(): void {
    this.order = [];
    this.head = 0;
    this.byKey.clear();
    this.byTrace.clear();
    this.rootCache.clear();
  }

  private evict(): void {
    while (this.byKey.size > this.maxSpans && this.head < this.order.length) {
      const key = this.order[this.head++] as string;
      const span = this.byKey.get(key);
      if (!span) continue;
      this.byKey.delete(key);
      const trace = this.byTrace.get(span.traceId);
      trace?.delete(span.spanId);
      if (trace?.size === 0) this.byTrace.delete(span.traceId);
      this.rootCache.delete(span.traceId);
    }
    if (this.head > 4096 && this.head * 2 > this.order.length) {
      this.order = this.order.slice(this.head);
      this.head = 0;
    }
  }
}
