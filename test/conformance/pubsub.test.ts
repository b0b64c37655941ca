/**
 * The built-in pubsub adapters through the shared suite (`pubsub-suite.ts`).
 * Filter with `PUBSUB_ADAPTERS=local` (or `redis`). `redis` runs against REDIS_URL (default
 * redis://127.0.0.1:6379) with unique topics per test; it is skipped, saying so, when Redis is
 * unreachable, and fails under CI=true.
 */
import { createLogger } from '@triad/engine';
import { createLocalAdapter, createRedisAdapter } from '@triad/engine/internal';
import { REDIS_URL, redisSkip } from '../helpers/services.ts';
import { type PubSubAdapterKind, pubsubConformance } from './pubsub-suite.ts';

const wanted = process.env.PUBSUB_ADAPTERS?.split(',');
const log = createLogger('pubsub-conformance', { level: 'silent' });

const KINDS: PubSubAdapterKind[] = [
  { name: 'local', shared: false, open: async (onMessage) => createLocalAdapter(onMessage) },
  {
    name: 'redis',
    shared: true,
    open: (onMessage) => createRedisAdapter(REDIS_URL, onMessage, log),
    skip: !wanted || wanted.includes('redis') ? await redisSkip() : false,
  },
];

for (const kind of KINDS.filter((k) => !wanted || wanted.includes(k.name))) pubsubConformance(kind);
