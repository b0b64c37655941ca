import type { MessageHandler, PubSubAdapter } from './pubsub-adapter.ts';

/**
 * In-process adapter: a publish is delivered straight back to this instance's subscriber table, for
 * the topics it listens to (the same contract as `redis`, checked by the conformance suite).
 */
export function createLocalAdapter(onMessage: MessageHandler): PubSubAdapter {
  const topics = new Set<string>();
  return {
    async publish(topic, data) {
      if (topics.has(topic)) onMessage(topic, data);
    },
    listen(topic) {
      topics.add(topic);
    },
    unlisten(topic) {
      topics.delete(topic);
    },
    close() {
      topics.clear();
    },
  };
}
