/**
 * Two (or more) real engines whose `state` and `iii-stream` share one Redis under a key prefix unique to
 * the test, deleted afterwards (other sessions use the same Redis at the same time).
 *
 * @example
 * await withRedisEngines(2, async ([a, b]) => { ... });
 */
import { Redis } from 'ioredis';
import { startTestEngine, type TestEngine } from './engine.ts';
import { uniqueName } from './names.ts';
import { REDIS_URL } from './services.ts';

export function redisAdapter(prefix: string, url = REDIS_URL, extra: Record<string, unknown> = {}) {
  return { name: 'redis', config: { redis_url: url, key_prefix: prefix, ...extra } };
}

/** Delete every key under `prefix`. */
export async function dropPrefix(prefix: string, url = REDIS_URL): Promise<void> {
  const r = new Redis(url, { lazyConnect: true, maxRetriesPerRequest: 0, retryStrategy: () => null });
  try {
    await r.connect();
    const keys = await r.keys(`${prefix}*`);
    if (keys.length > 0) await r.del(...keys);
  } finally {
    r.disconnect();
  }
}

export async function withRedisEngines(count: number, fn: (engines: TestEngine[], prefix: string) => Promise<void>): Promise<void> {
  const prefix = `${uniqueName('triad-e2e')}:`;
  const adapter = redisAdapter(prefix);
  const engines: TestEngine[] = [];
  try {
    for (let i = 0; i < count; i++)
      engines.push(
        await startTestEngine({
          workers: [
            { name: 'state', config: { adapter } },
            { name: 'iii-stream', config: { adapter } },
          ],
        }),
      );
    await fn(engines, prefix);
  } finally {
    await Promise.all(engines.map((e) => e.stop()));
    await dropPrefix(prefix);
  }
}
