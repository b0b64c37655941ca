/**
 * An append-only list bounded by count and by age (insertion time), oldest dropped first.
 * Used for log records and metric points. Appends and drops are O(1) amortised: dropped entries
 * are skipped with a head index and the array is compacted once half of it is dead.
 */
export class BoundedLog<T> {
  private entries: Array<{ at: number; item: T }> = [];
  private head = 0;

  constructor(
    private maxCount: number,
    private retentionMs: number,
    private readonly now: () => number = Date.now,
  ) {}

  setLimits(maxCount: number, retentionMs: number): void {
    this.maxCount = maxCount;
    this.retentionMs = retentionMs;
    this.prune();
  }

  push(item: T): void {
    this.entries.push({ at: this.now(), item });
    this.prune();
  }

  /** Live items, oldest first. */
  items(): T[] {
    this.prune();
    const out: T[] = [];
    for (let i = this.head; i < this.entries.length; i++) out.push(this.entries[i]!.item);
    return out;
  }

  get size(): number {
    return this.entries.length - this.head;
  }

  clear(): void {
    this.entries = [];
    this.head = 0;
  }

  private prune(): void {
    const cutoff = this.now() - this.retentionMs;
    while (this.size > this.maxCount) this.head++;
    while (this.head < this.entries.length && this.entries[this.head]!.at < cutoff) this.head++;
    if (this.head > 1024 && this.head * 2 > this.entries.length) {
      this.entries = this.entries.slice(this.head);
      this.head = 0;
    }
  }
}
