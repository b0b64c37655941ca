import type { MessageHandler, PubSubAdapter } from './pubsub-adapter.ts';

/** In-process adapter: a publish is delivered straight back to this instance's subscriber table. */
export function createLocalAdapter(onMessage: MessageHandler): PubSubAdapter {
  return {
    async publish(topic, data) {
      onMessage(topic, data);
    },
    listen() {},
    unlisten() {},
    close() {},
  };
}
