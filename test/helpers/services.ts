/**
 * Tests that need a machine service (Redis, PostgreSQL, RabbitMQ) run when it is reachable, skip saying why when it
 * is not, and fail under CI=true (where `.ci/run` has started every service).
 */
import { connect as amqpConnect } from 'amqplib';
import { Redis } from 'ioredis';

export const REDIS_URL = process.env.REDIS_URL ?? 'redis://127.0.0.1:6379';

/** `false` (run) or the skip reason; throws under CI=true when Redis cannot be reached. */
export async function redisSkip(url = REDIS_URL): Promise<false | string> {
  const r = new Redis(url, { lazyConnect: true, connectTimeout: 1000, maxRetriesPerRequest: 0, retryStrategy: () => null });
  let reachable = false;
  try {
    await r.connect();
    reachable = (await r.ping()) === 'PONG';
  } catch {
    reachable = false;
  } finally {
    r.disconnect();
  }
  if (reachable) return false;
  if (process.env.CI === 'true') throw new Error(`Redis is not reachable at ${url} (required under CI=true)`);
  return `Redis not reachable at ${url}`;
}

/** Delete every key under `prefix` (what a test run wrote under its own prefix). SCAN, so Redis is never blocked. */
export async function deleteRedisKeys(prefix: string, url = REDIS_URL): Promise<void> {
  const redis = new Redis(url);
  try {
    let cursor = '0';
    do {
      const [next, keys] = await redis.scan(cursor, 'MATCH', `${prefix}*`, 'COUNT', 500);
      if (keys.length > 0) await redis.del(...keys);
      cursor = next;
    } while (cursor !== '0');
  } finally {
    redis.disconnect();
  }
}

export const AMQP_URL = process.env.AMQP_URL ?? 'amqp://guest:guest@127.0.0.1:5672';

/** `false` (run) or the skip reason; throws under CI=true when RabbitMQ cannot be reached. */
export async function rabbitmqSkip(url = AMQP_URL): Promise<false | string> {
  let reachable = false;
  try {
    const conn = await amqpConnect(url, { timeout: 1000 });
    reachable = true;
    await conn.close();
  } catch {
    reachable = false;
  }
  if (reachable) return false;
  if (process.env.CI === 'true') throw new Error(`RabbitMQ is not reachable at ${url} (required under CI=true)`);
  return `RabbitMQ not reachable at ${url}`;
}
