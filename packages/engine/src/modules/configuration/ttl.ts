/**
 * `ttl_seconds` (workers.md §9.3): when the last `configuration` trigger bound to an id goes away
 * (its worker disconnected or unregistered it), the entry is deleted after the TTL unless a new
 * binding for that id arrives first. Entries nobody ever bound are never expired.
 */
import type { Logger } from '../../util/logger.ts';
import type { ConfigStore } from './store.ts';

export class TtlReaper {
  private readonly counts = new Map<string, number>();
  private readonly timers = new Map<string, NodeJS.Timeout>();

  constructor(
    private readonly store: ConfigStore,
    private readonly ttlSeconds: number,
    private readonly log: Logger,
  ) {}

  bound(id: string): void {
    this.counts.set(id, (this.counts.get(id) ?? 0) + 1);
    clearTimeout(this.timers.get(id));
    this.timers.delete(id);
  }

  unbound(id: string): void {
    const n = (this.counts.get(id) ?? 1) - 1;
    if (n > 0) {
      this.counts.set(id, n);
      return;
    }
    this.counts.delete(id);
    if (this.ttlSeconds <= 0) return;
    const timer = setTimeout(() => {
      this.timers.delete(id);
      if (this.store.remove(id)) this.log.info(`configuration '${id}' expired (no trigger bound for ${this.ttlSeconds} s)`);
    }, this.ttlSeconds * 1000);
    timer.unref();
    this.timers.set(id, timer);
  }

  close(): void {
    for (const t of this.timers.values()) clearTimeout(t);
    this.timers.clear();
  }
}
