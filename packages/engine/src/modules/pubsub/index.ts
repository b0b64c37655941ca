/**
 * `pubsub` (alias `iii-pubsub`): fire-and-forget topic fan-out. Function `publish {topic, data}`,
 * trigger type `subscribe {topic}`. Every subscriber is invoked concurrently with the raw `data`.
 */
import type { EngineModule, ModuleInstance } from '../module.ts';
import type { PubSubAdapter } from './adapters/adapter.ts';
import { createLocalAdapter } from './adapters/local.ts';
import { type PubSubConfig, pubsubConfigSchema } from './config.ts';
import { deliver, publishFunction } from './functions.ts';
import { Subscriptions } from './subscriptions.ts';
import { subscribeTriggerType } from './triggers.ts';

export const pubsubModule: EngineModule<PubSubConfig> = {
  name: 'pubsub',
  aliases: ['iii-pubsub'],
  displayName: 'PubSub',
  description: 'Fire-and-forget topic fan-out: publish and subscribe',
  configSchema: pubsubConfigSchema,
  create(ctx, config): ModuleInstance {
    const subs = new Subscriptions();
    const onMessage = (topic: string, data: unknown): void => deliver(ctx.engine, subs, topic, data);
    if (config.adapter.name !== 'local') ctx.log.warn(`pubsub adapter '${config.adapter.name}' is not available yet; using local`);
    // Mutable so a future adapter hot-swap can replace it without re-registering the function.
    let adapter: PubSubAdapter = createLocalAdapter(onMessage);
    const getAdapter = (): PubSubAdapter => adapter;
    ctx.engine.registerFunction(publishFunction(getAdapter));
    ctx.engine.registerTriggerType(subscribeTriggerType(subs, getAdapter, ctx.log));
    return {
      async stop() {
        await adapter.close();
        adapter = createLocalAdapter(() => {});
      },
    };
  },
};
