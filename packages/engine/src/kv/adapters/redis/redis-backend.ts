/**
 * `adapter: { name: redis, config: { redis_url, key_prefix?, feed_max_len?, connect_timeout_ms?,
 * command_timeout_ms? } }` for `state` and `iii-stream`: the store (redis-kv.ts) and its change feed
 * (redis-feed.ts) over two connections, one for commands and one for the feed's blocking reads.
 */
import type { Logger } from '../../../util/logger.ts';
import { type KvBackend, kvBackend } from '../change-feed.ts';
import { keyLayout } from './key-layout.ts';
import { FEED_BLOCK_MS, RedisChangeFeed } from './redis-feed.ts';
import { RedisKv } from './redis-kv.ts';
import { RedisLink } from './redis-link.ts';

/** @default 'redis://localhost:6379' */
export const DEFAULT_REDIS_URL = 'redis://localhost:6379';

export interface RedisKvConfig {
  redis_url?: string | undefined;
  /** Prepended to every key (e.g. `app1:`), so several deployments can share one Redis. */
  key_prefix?: string | undefined;
  /** Approximate cap of the change-feed stream (entries). */
  feed_max_len?: number | undefined;
  connect_timeout_ms?: number | undefined;
  command_timeout_ms?: number | undefined;
}

export interface RedisBackendOptions {
  /** Key namespace and the service named in errors: `state` or `stream`. */
  namespace: string;
  /** Start-up failure code, e.g. `E_STATE_REDIS_CONNECT`. */
  connectErrorCode: string;
  /** A scope's name inside keys (default: the scope). */
  scopeName?: (scope: string) => string;
  log?: Logger | undefined;
}

export async function openRedisBackend(config: RedisKvConfig, opts: RedisBackendOptions): Promise<KvBackend> {
  const url = config.redis_url ?? DEFAULT_REDIS_URL;
  const keys = keyLayout(config.key_prefix ?? '', opts.namespace, opts.scopeName);
  const maxLen = config.feed_max_len ?? 10_000;
  const commandTimeoutMs = config.command_timeout_ms ?? 5000;
  const base = {
    url,
    service: opts.namespace,
    connectErrorCode: opts.connectErrorCode,
    connectTimeoutMs: config.connect_timeout_ms ?? 5000,
  };
  const writer = await RedisLink.open({ ...base, commandTimeoutMs, name: `triad-${opts.namespace}` });
  let reader: RedisLink | undefined;
  try {
    // The reader's XREAD blocks on purpose for up to FEED_BLOCK_MS; a reply later than that plus the usual
    // timeout means a dead link (redis-feed.ts then reconnects).
    reader = await RedisLink.open({ ...base, commandTimeoutMs: FEED_BLOCK_MS + commandTimeoutMs, name: `triad-${opts.namespace}-feed` });
    const feed = await RedisChangeFeed.open(writer, reader, keys.feed, maxLen, opts.log);
    const links = [writer, reader];
    return kvBackend(new RedisKv(writer, keys, maxLen), feed, async () => {
      for (const link of links) await link.close();
    });
  } catch (err) {
    await writer.close();
    await reader?.close();
    throw err;
  }
}
