/**
 * The built-in pubsub adapters through the shared suite (`pubsub-suite.ts`).
 * Filter with `PUBSUB_ADAPTERS=local` (or `redis`). `redis` runs against REDIS_URL (default
 * redis://127.0.0.1:6379) with unique topics per test; it is skipped, saying so, when Redis is
 * unreachable, and fails under CI=true.
 */

import assert from 'node:assert/strict';
import { test } from 'node:test';
import { createLogger } from '@triad/engine';
import { createLocalAdapter, createRedisAdapter } from '@triad/engine/internal';
import { uniqueName } from '../helpers/names.ts';
import { REDIS_URL, redisSkip } from '../helpers/services.ts';
import { waitFor } from '../helpers/wait.ts';
import { type PubSubAdapterKind, pubsubConformance } from './pubsub-suite.ts';

const wanted = process.env.PUBSUB_ADAPTERS?.split(',');
const PREFIX = `${uniqueName('app')}:`;
const log = createLogger('pubsub-conformance', { level: 'silent' });

const KINDS: PubSubAdapterKind[] = [
  { name: 'local', shared: false, open: async (onMessage) => createLocalAdapter(onMessage) },
  {
    name: 'redis',
    shared: true,
    open: (onMessage) => createRedisAdapter(REDIS_URL, onMessage, log),
    skip: !wanted || wanted.includes('redis') ? await redisSkip() : false,
  },
  {
    // `key_prefix`: instances sharing a prefix are one bus (the suite), other prefixes are apart (below).
    name: 'redis',
    shared: true,
    open: (onMessage) => createRedisAdapter(REDIS_URL, onMessage, log, PREFIX),
    skip: !wanted || wanted.includes('redis') ? await redisSkip() : false,
  },
];

for (const kind of KINDS.filter((k) => !wanted || wanted.includes(k.name))) pubsubConformance(kind);

test('redis key_prefix: the same topic under two prefixes does not cross', { skip: await redisSkip() }, async () => {
  const got: Record<string, unknown[]> = { a: [], b: [] };
  const a = await createRedisAdapter(REDIS_URL, (_t, d) => got.a?.push(d), log, `${uniqueName('a')}:`);
  const b = await createRedisAdapter(REDIS_URL, (_t, d) => got.b?.push(d), log, `${uniqueName('b')}:`);
  try {
    const topic = uniqueName('topic');
    await a.listen(topic);
    await b.listen(topic);
    await a.publish(topic, 'for a');
    await b.publish(topic, 'for b');
    await waitFor(() => got.a?.length === 1 && got.b?.length === 1, { what: 'one message each' });
    assert.deepEqual(got, { a: ['for a'], b: ['for b'] });
  } finally {
    await Promise.all([a.close(), b.close()]);
  }
});
