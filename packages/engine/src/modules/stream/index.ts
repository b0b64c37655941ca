/**
 * `iii-stream`: hierarchical real-time store (stream › group › item) with a subscriber WebSocket
 * (workers.md §6, protocol.md §5.4, §8). Storage is the shared kv library (`../kv`, the one allowed
 * cross-module import); custom backends plug in as `stream::<op>(<stream_name>)` functions.
 */
import { join } from 'node:path';
import { openLink } from '../../bridge-link/index.ts';
import { check, formatIssues } from '../../core/config/schema.ts';
import { openKvBackend } from '../../kv/index.ts';
import type { EngineModule, ModuleInstance } from '../module.ts';
import { type StreamConfig, streamConfigSchema } from './config.ts';
import { redisScopeName, streamEventOf } from './events.ts';
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
    const kv = await openKvBackend(config.adapter, {
      baseDir: ctx.projectDir,
      defaultDir: join(ctx.dataDir, 'stream'),
      log: ctx.log,
      shared: { namespace: 'stream', connectErrorCode: 'E_STREAM_REDIS_CONNECT', scopeName: redisScopeName },
      bridge: { kind: 'stream', open: (c) => openLink(ctx, { name: 'stream-bridge', ...c }) },
    });
    const store = new StreamStore(ctx.engine, () => kv);
    const index = new SubscriptionIndex();
    const triggers = new StreamTriggers(ctx.engine, ctx.log);
    // Every change, made on this engine or another sharing the store, reaches this engine's sockets and
    // triggers once, in feed order.
    kv.feed.subscribe((change) => {
      const e = streamEventOf(change);
      if (!e) return;
      // Serialized and encoded once; the same bytes go to every matching subscription.
      index.publish(e.streamName, e.groupId, e.id, Buffer.from(JSON.stringify(e)));
      triggers.fireChange(e);
    });
    for (const f of streamFunctions(store)) ctx.engine.registerFunction(f);
    for (const t of triggers.typeDefs()) ctx.engine.registerTriggerType(t);
    const makeServer = (): StreamServer =>
      new StreamServer({
        engine: ctx.engine,
        store,
        index,
        triggers,
        log: ctx.log,
        authFunction: () => config.auth_function,
        limits: () => ({ maxBuffered: config.max_buffered_bytes_per_socket, policy: config.slow_consumer_policy }),
      });
    let server = makeServer();
    const listen = async (s: StreamServer, host: string, port: number): Promise<void> => {
      const addr = await s.listen(host, port);
      const shown = host === '0.0.0.0' || host === '::' ? '127.0.0.1' : host;
      ctx.publishAddress('stream', `ws://${shown.includes(':') ? `[${shown}]` : shown}:${addr.port}`);
    };
    return {
      start: () => listen(server, config.host, config.port),
      async stop() {
        await server.close();
        await kv.close();
      },
      async reconfigure(raw) {
        const r = check(streamConfigSchema, raw);
        if (!r.ok) return ctx.log.warn(`iii-stream config rejected; keeping the previous one\n${formatIssues(r.issues)}`);
        const next = r.value;
        if (JSON.stringify(next.adapter) !== JSON.stringify(config.adapter))
          ctx.log.warn('iii-stream adapter changes apply at the next start');
        if (next.port !== config.port || next.host !== config.host) {
          // Rebind: the new listener is bound first (a bad port leaves the old one serving), then the old
          // one is closed and its connections dropped (clients reconnect), as the reference does.
          const fresh = makeServer();
          await listen(fresh, next.host, next.port);
          const old = server;
          server = fresh;
          await old.close();
        }
        // auth_function, max_buffered_bytes_per_socket and slow_consumer_policy are read live.
        config = { ...next, adapter: config.adapter };
      },
    };
  },
};
