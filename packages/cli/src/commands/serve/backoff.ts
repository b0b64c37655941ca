/**
 * Restart delays for a crashed local worker (workers.md §22.2): 1 s doubling to 30 s, back to 1 s
 * once a run lasted 60 s. Data, not code paths: the policy is a value tests can shrink.
 */
export interface BackoffPolicy {
  /** @default 1000 */
  initialMs: number;
  /** @default 30000 */
  maxMs: number;
  /** A run at least this long resets the delay. @default 60000 */
  resetAfterMs: number;
}

export const DEFAULT_BACKOFF: BackoffPolicy = { initialMs: 1_000, maxMs: 30_000, resetAfterMs: 60_000 };

export class Backoff {
  private current: number;

  constructor(private readonly policy: BackoffPolicy = DEFAULT_BACKOFF) {
    this.current = policy.initialMs;
  }

  /** Delay before the next start, given how long the last run stayed up. */
  next(uptimeMs: number): number {
    if (uptimeMs >= this.policy.resetAfterMs) this.current = this.policy.initialMs;
    const delay = this.current;
    this.current = Math.min(this.current * 2, this.policy.maxMs);
    return delay;
  }
}
