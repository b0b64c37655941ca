import { EngineError } from '../../core/errors/index.ts';
import { defineFunction } from '../define-function.ts';
import type { EngineApi, LocalFunction } from '../module.ts';
import type { PubSubAdapter } from './adapters/pubsub-adapter.ts';
import { publishInputSchema } from './config.ts';
import type { Subscriptions } from './subscriptions.ts';

/**
 * `publish {topic, data}` → no result. Returns once the message is handed to the adapter; subscribers
 * run concurrently afterwards and their results or errors never reach the publisher.
 */
export function publishFunction(getAdapter: () => PubSubAdapter): LocalFunction {
  return defineFunction({
    id: 'publish',
    description: 'Publish a message to every subscriber of a topic (fire and forget)',
    input: publishInputSchema,
    async handler({ topic, data }) {
      if (!topic) throw new EngineError('topic_not_set', 'Topic is not set');
      await getAdapter().publish(topic, data ?? null);
      return undefined;
    },
  });
}

/** Deliver one message to every local binding: raw `data`, no metadata, fire and forget. */
export function deliver(engine: EngineApi, subs: Subscriptions, topic: string, data: unknown): void {
  for (const functionId of subs.functionsFor(topic)) engine.invokeVoid(functionId, data);
}
