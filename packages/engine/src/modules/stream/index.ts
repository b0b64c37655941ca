/**
 * `iii-stream`: hierarchical real-time store (stream › group › item) with a subscriber WebSocket
 * (workers.md §6, protocol.md §5.4, §8). Storage is the shared kv library (`../kv`, the one allowed
 * cross-module import); custom backends plug in as `stream::<op>(<stream_name>)` functions.
 */
import { join } from 'node:path';
import { formatIssues } from '../../core/config/schema.ts';
import { type KvStore, openKv } from '../kv/index.ts';
import type { EngineModule, ModuleInstance } from '../module.ts';
import { type StreamConfig, streamConfigSchema } from './config.ts';
import type { StreamEvent } from './events.ts';
import { streamFunctions } from './functions.ts';
import { StreamServer } from './server.ts';
import { StreamStore } from './store.ts';
import { SubscriptionIndex } from './subscriptions.ts';
import { StreamTriggers } from './triggers.ts';

export const streamModule: EngineModule<StreamConfig> = {
  name: 'iii-stream',
  displayName: 'Stream',
  description: 'Real-time streams: stream::* functions, stream triggers and a subscriber WebSocket',
  configSchema: streamConfigSchema,
  async create(ctx, initial): Promise<ModuleInstance> {
    let config = initial;
    const kv: KvStore = await openKv(config.adapter.config, {
      baseDir: ctx.projectDir,
      defaultDir: join(ctx.dataDir, 'stream'),
      log: ctx.log,
    });
    const store = new StreamStore(ctx.engine, () => kv);
    const index = new SubscriptionIndex();
    const triggers = new StreamTriggers(ctx.engine, ctx.log);
    const emit = (e: StreamEvent): void => {
      // Serialized and encoded once; the same bytes go to every matching subscription.
      index.publish(e.streamName, e.groupId, e.id, Buffer.from(JSON.stringify(e)));
      triggers.fireChange(e);
    };
    for (const f of streamFunctions({ store, emit })) ctx.engine.registerFunction(f);
    for (const t of triggers.typeDefs()) ctx.engine.registerTriggerType(t);
    const server = new StreamServer({
      engine: ctx.engine,
      store,
      index,
      triggers,
      log: ctx.log,
      authFunction: () => config.auth_function,
      limits: () => ({ maxBuffered: config.max_buffered_bytes_per_socket, policy: config.slow_consumer_policy }),
    });
    return {
      async start() {
        const addr = await server.listen(config.host, config.port);
        const host = config.host === '0.0.0.0' || config.host === '::' ? '127.0.0.1' : config.host;
        ctx.publishAddress('stream', `ws://${host.includes(':') ? `[${host}]` : host}:${addr.port}`);
      },
      async stop() {
        await server.close();
        await kv.close();
      },
      reconfigure(raw) {
        const r = streamConfigSchema.parse(raw);
        if (!r.ok) return ctx.log.warn(`iii-stream config rejected; keeping the previous one\n${formatIssues(r.issues)}`);
        const next = r.value;
        if (next.port !== config.port || next.host !== config.host || JSON.stringify(next.adapter) !== JSON.stringify(config.adapter)) {
          ctx.log.warn('iii-stream port, host and adapter changes apply at the next start');
        }
        // auth_function, max_buffered_bytes_per_socket and slow_consumer_policy are live.
        config = { ...next, port: config.port, host: config.host, adapter: config.adapter };
      },
    };
  },
};
