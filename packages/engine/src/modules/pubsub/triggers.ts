import { check, toJsonSchema } from '../../core/config/schema.ts';
import type { Logger } from '../../util/logger.ts';
import type { TriggerInstance, TriggerTypeDef } from '../module.ts';
import type { PubSubAdapter } from './adapters/pubsub-adapter.ts';
import { subscribeConfigSchema } from './config.ts';
import type { Subscriptions } from './subscriptions.ts';

/**
 * Trigger type `subscribe` {topic}. A missing or empty topic is accepted but inert (reference
 * behaviour: a warning, nothing registered), so a worker's registration never fails for it.
 */
export function subscribeTriggerType(subs: Subscriptions, getAdapter: () => PubSubAdapter, log: Logger): TriggerTypeDef {
  return {
    id: 'subscribe',
    description: 'Invoke the function with the data of every message published to a topic',
    configuration_schema: toJsonSchema(subscribeConfigSchema),
    async register(trigger: TriggerInstance) {
      // A re-registration may move the binding to another topic: release the old one first.
      const previous = subs.remove(trigger.id);
      if (previous !== undefined) await getAdapter().unlisten(previous);
      const parsed = check(subscribeConfigSchema, trigger.config ?? {});
      const topic = parsed.ok ? parsed.value.topic : undefined;
      if (!topic) {
        log.warn('subscribe trigger without a topic ignored', { trigger_id: trigger.id, function_id: trigger.function_id });
        return;
      }
      if (subs.add(topic, trigger.id, trigger.function_id)) await getAdapter().listen(topic);
    },
    async unregister(trigger: TriggerInstance) {
      const lastOfTopic = subs.remove(trigger.id);
      if (lastOfTopic !== undefined) await getAdapter().unlisten(lastOfTopic);
    },
  };
}
