/**
 * In-memory span store, indexed by trace. Bounded by `memory_max_spans`: the oldest stored span
 * is evicted first (a Map iterates in insertion order, so its first key is the oldest).
 */
import type { SpanRecord } from './records.ts';

export class SpanStore {
  private readonly byKey = new Map<string, SpanRecord>();
  private readonly byTrace = new Map<string, Map<string, SpanRecord>>();

  constructor(private maxSpans: number) {}

  setMax(maxSpans: number): void {
    this.maxSpans = maxSpans;
    this.evict();
  }

  /** Store a span; a span with the same ids (e.g. a pending one that ended) is replaced in place. */
  add(span: SpanRecord): void {
    const key = `${span.traceId}:${span.spanId}`;
    this.byKey.set(key, span);
    let trace = this.byTrace.get(span.traceId);
    if (!trace) {
      trace = new Map();
      this.byTrace.set(span.traceId, trace);
    }
    trace.set(span.spanId, span);
    this.evict();
  }

  trace(traceId: string): SpanRecord[] {
    return [...(this.byTrace.get(traceId)?.values() ?? [])];
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
    this.byKey.clear();
    this.byTrace.clear();
  }

  private evict(): void {
    while (this.byKey.size > this.maxSpans) {
      const oldest = this.byKey.keys().next();
      if (oldest.done) return;
      const span = this.byKey.get(oldest.value)!;
      this.byKey.delete(oldest.value);
      const trace = this.byTrace.get(span.traceId);
      trace?.delete(span.spanId);
      if (trace?.size === 0) this.byTrace.delete(span.traceId);
    }
  }
}
