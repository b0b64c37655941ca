/**
 * Cron lock adapters (workers.md §7): a job fires a tick only if it takes the lock for it.
 *
 * - `kv`: process-local, per module instance, as in the reference kv adapter: several engines each fire.
 * - `redis`: `SET NX PX` on a key per job *and tick*, left to expire instead of being released, so an
 *   engine whose timer wakes a little later cannot take the same tick after a faster one let go of it:
 *   once-only across every engine sharing the Redis and `lock_index`.
 * `ioredis` is loaded on demand so the engine does not need it unless this adapter is configured.
 */
import { EngineError } from '../../core/errors/index.ts';

export interface CronLock {
  /** Take the lock for one tick (`tickMs` = the scheduled time) of one job, held for at most `ttlMs`. */
  acquire(jobId: string, tickMs: number, ttlMs: number): Promise<boolean>;
  release(jobId: string, tickMs: number): Promise<void>;
  close(): Promise<void>;
}

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

/** @default 'redis://localhost:6379' */
export const DEFAULT_REDIS_URL = 'redis://localhost:6379';

export async function createRedisLock(url: string, index: string): Promise<CronLock> {
  const { Redis } = await import('ioredis');
  const redis = new Redis(url, { lazyConnect: true, maxRetriesPerRequest: 3 });
  try {
    await redis.connect();
  } catch (err) {
    redis.disconnect();
    throw new EngineError('E_CRON_REDIS_CONNECT', `Cannot connect to Redis at ${url}: ${String(err)}`, { cause: err });
  }
  return {
    async acquire(jobId, tickMs, ttlMs) {
      return (await redis.set(`${index}:${jobId}:${tickMs}`, '1', 'PX', ttlMs, 'NX')) === 'OK';
    },
    async release() {
      // Deliberately kept until it expires (see the file comment).
    },
    async close() {
      await redis.quit().catch(() => undefined);
    },
  };
}
