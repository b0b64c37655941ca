/**
 * The `kv` cron lock: one holder per key until released or `ttl` ms pass (a crashed fire cannot wedge
 * a job). Process-local by design, as in the reference kv adapter: two engines would each fire.
 */
export class LocalLocks {
  private readonly held = new Map<string, number>();

  /** Take `key` unless someone holds it and its ttl has not run out. */
  tryAcquire(key: string, ttlMs: number, now = Date.now()): boolean {
    const until = this.held.get(key);
    if (until !== undefined && until > now) return false;
    this.held.set(key, now + ttlMs);
    return true;
  }

  release(key: string): void {
    this.held.delete(key);
  }

  clear(): void {
    this.held.clear();
  }
}
