/**
 * The kv library shared by the `state` and `iii-stream` modules. It is not a module (it registers
 * nothing): both built-ins need byte-identical storage and update-op semantics, so both import it
 * from here instead of from each other. The adapter contract is `adapters/kv-store.ts`.
 *
 * @example
 * const store = await openKv(config.adapter.config, { baseDir: ctx.projectDir, defaultDir: join(ctx.dataDir, 'state') });
 */

import { isAbsolute, resolve } from 'node:path';
import { z } from 'zod';
import { type BridgeLink, checkBridgeUrl } from '../bridge-link/index.ts';
import { EngineError } from '../core/errors/index.ts';
import { createLogger, type Logger } from '../util/logger.ts';
import { openBridgeBackend } from './adapters/bridge/index.ts';
import { type KvBackend, type KvChange, kvBackend } from './adapters/change-feed.ts';
import { FileKv } from './adapters/file/file-kv.ts';
import type { KvStore } from './adapters/kv-store.ts';
import { announcing, LocalChangeFeed } from './adapters/local-feed.ts';
import { MemoryKv } from './adapters/memory/memory-kv.ts';
import { DEFAULT_REDIS_URL, openRedisBackend, type RedisBackendOptions, type RedisKvConfig } from './adapters/redis/redis-backend.ts';

export type { ChangeFeed, Disposer, KvBackend, KvChange, KvDeleteChange, KvMessage, KvWriteChange } from './adapters/change-feed.ts';
export type { KvStore, KvUpdate, KvWrite } from './adapters/kv-store.ts';
export { LocalChangeFeed } from './adapters/local-feed.ts';
export { keySegment } from './adapters/redis/key-layout.ts';
export { applyUpdateOps, parseUpdateOps, type UpdateOp, type UpdateOpError } from './update-ops.ts';

/**
 * `adapter.config` of a state/stream entry: the kv keys (`channel_size` is accepted for stream config
 * compatibility and unused) and the redis keys, flat as in the cron adapter config; each adapter reads its own.
 */
export const kvConfigSchema = z.strictObject({
  store_method: z.enum(['in_memory', 'file_based'] as const).default('in_memory'),
  file_path: z.string().min(1).optional(),
  save_interval_ms: z.int().min(100).max(3_600_000).optional(),
  channel_size: z.int().min(1).optional(),
  redis_url: z.string().min(1).optional().describe(`redis: the server (default ${DEFAULT_REDIS_URL})`),
  key_prefix: z.string().optional().describe('redis: prepended to every key, e.g. "app1:" (default none)'),
  feed_max_len: z.int().min(100).optional().describe('redis: approximate cap of the change-feed stream (default 10000)'),
  connect_timeout_ms: z.int().min(1).optional().describe('redis: how long the start-up connection may take (default 5000)'),
  command_timeout_ms: z.int().min(1).optional().describe('redis: per command, and how long a call waits for a lost link (default 5000)'),
  bridge_url: z.string().min(1).optional().describe("bridge: the backend engine's worker address (required for bridge)"),
  bridge_secret: z.string().min(1).optional().describe("bridge: the backend listener's secret (default env III_ENGINE_SECRET)"),
  bridge_timeout_ms: z.int().min(1).max(3_600_000).optional().describe('bridge: per remote call (default 30000)'),
  bridge_stream_events: z
    .enum(['trigger', 'pubsub'] as const)
    .optional()
    .describe('bridge (iii-stream): backend stream trigger (Triad backend, default) or stream.events pubsub topic (reference backend)'),
});

/**
 * `adapter:` of a state/stream entry: `kv` (this process), `redis` (shared by every engine using it) or
 * `bridge` (another engine's, over a bridge link).
 */
const inMemory = () => ({ store_method: 'in_memory' as const });
export const kvAdapterSchema = z
  .strictObject({ name: z.enum(['kv', 'redis', 'bridge'] as const).default('kv'), config: kvConfigSchema.default(inMemory) })
  .default(() => ({ name: 'kv' as const, config: inMemory() }));

/** `adapter.config` of a kv adapter entry (`{ name: kv, config: {...} }`). */
export interface KvConfig {
  store_method: 'in_memory' | 'file_based';
  /** Directory for file_based; relative paths resolve against the project dir. */
  file_path?: string | undefined;
  /** Period of the background compaction check for file_based (ms). */
  save_interval_ms?: number | undefined;
  bridge_url?: string | undefined;
  bridge_secret?: string | undefined;
  bridge_timeout_ms?: number | undefined;
  bridge_stream_events?: 'trigger' | 'pubsub' | undefined;
}

export interface OpenKvOptions {
  /** Relative `file_path` resolves against this (the project dir). */
  baseDir: string;
  /** Used when `file_path` is absent, e.g. `<dataDir>/state`. */
  defaultDir: string;
  /** Fallback compaction-check period when the adapter config has none. */
  saveIntervalMs?: number;
  log?: Logger;
  /** For the `bridge` adapter: which backend functions serve the store, and the module's link opener. */
  bridge?: {
    kind: 'state' | 'stream';
    open(config: { url: string; secret?: string | undefined; timeoutMs?: number | undefined }): BridgeLink;
  };
}

export interface OpenKvBackendOptions extends OpenKvOptions {
  /** What a shared adapter needs from the module: key namespace, start-up error code, scope naming. */
  shared: Omit<RedisBackendOptions, 'log'>;
}

/** Open the adapter a state/stream entry names, with its change feed (see adapters/change-feed.ts). */
export async function openKvBackend(
  adapter: { name: 'kv' | 'redis' | 'bridge'; config: KvConfig & RedisKvConfig },
  opts: OpenKvBackendOptions,
): Promise<KvBackend> {
  if (adapter.name === 'redis') return openRedisBackend(adapter.config, { ...opts.shared, log: opts.log });
  if (adapter.name === 'bridge') {
    if (!opts.bridge) throw new EngineError('E_CONFIG_INVALID', 'this module has no bridge adapter');
    const c = adapter.config;
    const url = checkBridgeUrl(c.bridge_url, `${opts.bridge.kind} adapter bridge: config.bridge_url`);
    const link = opts.bridge.open({ url, secret: c.bridge_secret, timeoutMs: c.bridge_timeout_ms });
    return openBridgeBackend(opts.bridge.kind, link, opts.log ?? createLogger('kv-bridge'), c.bridge_stream_events);
  }
  const feed = new LocalChangeFeed<KvChange>((err) => opts.log?.error('kv change handler failed', { error: String(err) }));
  return kvBackend(announcing(await openKv(adapter.config, opts), feed), feed);
}

/** Open a bare `kv` store (no feed): the conformance suite and the backend above. */
export async function openKv(config: KvConfig, opts: OpenKvOptions): Promise<KvStore> {
  if (config.store_method === 'in_memory') return new MemoryKv();
  const dir = config.file_path
    ? isAbsolute(config.file_path)
      ? config.file_path
      : resolve(opts.baseDir, config.file_path)
    : opts.defaultDir;
  return FileKv.open({
    dir,
    saveIntervalMs: config.save_interval_ms ?? opts.saveIntervalMs ?? 5000,
    onReplay: (r) => opts.log?.warn('kv log had unusable lines (a torn last line is normal after a crash)', { dir, bad_lines: r.badLines }),
    onCompactError: (err) => opts.log?.warn('kv log compaction failed; will retry', { dir, error: String(err) }),
  });
}
