/**
 * The built-in cron lock adapters through the shared suite (`cron-lock-suite.ts`).
 * Filter with `CRON_LOCKS=kv` (or `redis`). `redis` runs against REDIS_URL (default
 * redis://127.0.0.1:6379) with a unique lock_index per test; it is skipped, saying so, when Redis is
 * unreachable, and fails under CI=true.
 */
import { createKvLock, createRedisLock } from '@triad/engine/internal';
import { REDIS_URL, redisSkip } from '../helpers/services.ts';
import { type CronLockKind, cronLockConformance } from './cron-lock-suite.ts';

const wanted = process.env.CRON_LOCKS?.split(',');

const KINDS: CronLockKind[] = [
  { name: 'kv', shared: false, scope: 'job', open: async (index) => createKvLock(index) },
  {
    name: 'redis',
    shared: true,
    scope: 'tick',
    open: (index) => createRedisLock(REDIS_URL, index),
    skip: !wanted || wanted.includes('redis') ? await redisSkip() : false,
  },
];

for (const kind of KINDS.filter((k) => !wanted || wanted.includes(k.name))) cronLockConformance(kind);
