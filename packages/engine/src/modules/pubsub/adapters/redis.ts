/**
 * Redis adapter: messages travel through Redis PUBLISH/SUBSCRIBE (channel = topic), so subscribers on
 * every engine instance sharing the Redis see every message. One Redis subscription per topic per
 * instance; local subscribers also receive through Redis (one delivery path, no double delivery).
 * `ioredis` is loaded on demand so the engine does not need it unless this adapter is configured.
 */
import { EngineError } from '../../../core/errors/index.ts';
import type { Logger } from '../../../util/logger.ts';
import type { MessageHandler, PubSubAdapter } from './pubsub-adapter.ts';

/** @default 'redis://localhost:6379' */
export const DEFAULT_REDIS_URL = 'redis://localhost:6379';

/** `prefix` is prepended to every channel (Redis channels are server-wide, across databases). */
export async function createRedisAdapter(url: string, onMessage: MessageHandler, log: Logger, prefix = ''): Promise<PubSubAdapter> {
  const { Redis } = await import('ioredis');
  const opts = { lazyConnect: true, maxRetriesPerRequest: 3 };
  const pub = new Redis(url, opts);
  const sub = new Redis(url, opts);
  try {
    await Promise.all([pub.connect(), sub.connect()]);
  } catch (err) {
    pub.disconnect();
    sub.disconnect();
    throw new EngineError('E_PUBSUB_REDIS_CONNECT', `Cannot connect to Redis at ${url}: ${String(err)}`, { cause: err });
  }
  sub.on('message', (channel: string, text: string) => {
    if (!channel.startsWith(prefix)) return;
    const topic = channel.slice(prefix.length);
    try {
      onMessage(topic, JSON.parse(text) as unknown);
    } catch (err) {
      log.warn('dropped a pubsub message that is not JSON', { topic, error: String(err) });
    }
  });
  // After close, late unsubscribes (workers leaving during shutdown) have nothing left to undo.
  let closed = false;
  return {
    async publish(topic, data) {
      await pub.publish(prefix + topic, JSON.stringify(data ?? null));
    },
    async listen(topic) {
      if (!closed) await sub.subscribe(prefix + topic);
    },
    async unlisten(topic) {
      if (!closed) await sub.unsubscribe(prefix + topic);
    },
    async close() {
      closed = true;
      await Promise.allSettled([pub.quit(), sub.quit()]);
    },
  };
}
