/**
 * The `kv` cron lock: process-local, per module instance, as in the reference kv adapter, so several
 * engines each fire. A lock is per job (not per tick) and is released when the fire finishes.
 */
import type { CronLock } from './cron-lock.ts';

export function createKvLock(index: string): CronLock {
  const held = new Map<string, number>();
  return {
    async acquire(jobId, _tickMs, ttlMs) {
      const key = `${index}:${jobId}`;
      const now = Date.now();
      const until = held.get(key);
      // An expired holder (a fire that never finished) does not wedge the job.
      if (until !== undefined && until > now) return false;
      held.set(key, now + ttlMs);
      return true;
    },
    async release(jobId) {
      held.delete(`${index}:${jobId}`);
    },
    async close() {
      held.clear();
    },
  };
}
