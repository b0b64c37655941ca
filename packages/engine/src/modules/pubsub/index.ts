/**
 * `pubsub` (alias `iii-pubsub`): fire-and-forget topic fan-out. Function `publish {topic, data}`,
 * trigger type `subscribe {topic}`. Every subscriber is invoked concurrently with the raw `data`.
 * Adapters: `local` (in-process, default) or `redis` (across engine instances); an adapter change
 * hot-swaps: the new adapter subscribes every topic before it replaces the old one.
 */
import { check, formatIssues } from '../../core/config/schema.ts';
import { EngineError } from '../../core/errors/index.ts';
import type { EngineModule, ModuleContext, ModuleInstance } from '../module.ts';
import { createLocalAdapter } from './adapters/local.ts';
import type { MessageHandler, PubSubAdapter } from './adapters/pubsub-adapter.ts';
import { createRedisAdapter, DEFAULT_REDIS_URL } from './adapters/redis.ts';
import { type PubSubConfig, pubsubConfigSchema } from './config.ts';
import { deliver, publishFunction } from './functions.ts';
import { Subscriptions } from './subscriptions.ts';
import { subscribeTriggerType } from './triggers.ts';

function buildAdapter(ctx: ModuleContext, config: PubSubConfig, onMessage: MessageHandler): Promise<PubSubAdapter> | PubSubAdapter {
  if (config.adapter.name === 'redis') {
    const { redis_url = DEFAULT_REDIS_URL, key_prefix = '' } = config.adapter.config ?? {};
    return createRedisAdapter(redis_url, onMessage, ctx.log, key_prefix);
  }
  return createLocalAdapter(onMessage);
}

async function createPubsub(ctx: ModuleContext, config: PubSubConfig): Promise<ModuleInstance> {
  const subs = new Subscriptions();
  const onMessage = (topic: string, data: unknown): void => deliver(ctx.engine, subs, topic, data);
  let adapter = await buildAdapter(ctx, config, onMessage);
  let adapterKey = JSON.stringify(config.adapter);
  const getAdapter = (): PubSubAdapter => adapter;
  ctx.engine.registerFunction(publishFunction(getAdapter));
  ctx.engine.registerTriggerType(subscribeTriggerType(subs, getAdapter, ctx.log));
  return {
    async stop() {
      await adapter.close();
      adapter = createLocalAdapter(() => {});
    },
    async reconfigure(raw) {
      const parsed = check(pubsubConfigSchema, raw);
      if (!parsed.ok) throw new EngineError('E_CONFIG_INVALID', formatIssues(parsed.issues));
      const key = JSON.stringify(parsed.value.adapter);
      if (key === adapterKey) return;
      // Subscribe first, then swap: a message may arrive twice during the switch, none is lost.
      const next = await buildAdapter(ctx, parsed.value, onMessage);
      for (const topic of subs.topics()) await next.listen(topic);
      const old = adapter;
      adapter = next;
      adapterKey = key;
      await old.close();
    },
  };
}

export const pubsubModule: EngineModule<PubSubConfig> = {
  name: 'pubsub',
  aliases: ['iii-pubsub'],
  displayName: 'PubSub',
  description: 'Fire-and-forget topic fan-out: publish and subscribe',
  configSchema: pubsubConfigSchema,
  create: createPubsub,
};
