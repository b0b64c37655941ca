/**
 * The `redis` cron lock: `SET NX PX` on a key per job *and tick*, left to expire instead of being
 * released, so an engine whose timer wakes a little later cannot take the same tick after a faster one
 * let go of it: once-only across every engine sharing the Redis and `lock_index`.
 * `ioredis` is loaded on demand so the engine does not need it unless this adapter is configured.
 */
import { EngineError } from '../../../core/errors/index.ts';
import type { CronLock } from './cron-lock.ts';

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
