/**
 * Spans waiting to be stored, in arrival order: raw `OTLP` frames from the SDKs (not parsed yet) and span
 * records made by the engine. Parsing every span frame as it arrives was a tenth of the engine's CPU per
 * Linkly redirect, and with `memory_max_spans` at 10,000 most spans are evicted before anyone lists them.
 * So the hub queues them here and parses on the next read; entries that would be evicted anyway (the
 * newer ones alone fill the store) are dropped unparsed, which bounds the backlog to about one store.
 * The one difference from parsing at once: a malformed frame's spans count towards that limit before
 * it is found to be malformed, so right after one the store may hold a few spans fewer than the limit.
 */
import type { SpanRecord } from './records.ts';

export type BacklogEntry =
  | { kind: 'frame'; frame: Buffer; spans: number; workerId?: string }
  | { kind: 'records'; records: SpanRecord[]; spans: number };

const SPAN_KEY = Buffer.from('"startTimeUnixNano"');

/**
 * Spans in an OTLP/JSON traces frame: every span has exactly one `"startTimeUnixNano"` key (events and
 * links have none). A string value spelling the same would overcount, which only trims a little early.
 */
export function countSpans(frame: Buffer): number {
  let n = 0;
  for (let at = frame.indexOf(SPAN_KEY, 4); at >= 0; at = frame.indexOf(SPAN_KEY, at + SPAN_KEY.length)) n++;
  return n;
}

export class SpanBacklog {
  private entries: BacklogEntry[] = [];
  private head = 0;
  private queued = 0;
  /** Frames dropped unparsed since the last `take` (the hub counts them as accepted). */
  droppedFrames = 0;

  get length(): number {
    return this.entries.length - this.head;
  }

  push(entry: BacklogEntry, maxSpans: number): void {
    this.entries.push(entry);
    this.queued += entry.spans;
    // The store keeps the newest `maxSpans`: an entry followed by that many newer spans would be evicted.
    while (this.length > 1) {
      const oldest = this.entries[this.head] as BacklogEntry;
      if (this.queued - oldest.spans < maxSpans) break;
      this.queued -= oldest.spans;
      this.entries[this.head++] = undefined as unknown as BacklogEntry;
      if (oldest.kind === 'frame') this.droppedFrames++;
    }
    if (this.head > 1024 && this.head * 2 > this.entries.length) {
      this.entries = this.entries.slice(this.head);
      this.head = 0;
    }
  }

  /** Everything queued, oldest first; the backlog is empty afterwards. */
  take(): BacklogEntry[] {
    const out = this.head === 0 ? this.entries : this.entries.slice(this.head);
    this.entries = [];
    this.head = 0;
    this.queued = 0;
    return out;
  }
}
