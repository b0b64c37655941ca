/**
 * The pubsub adapter contract: how published messages travel between publishers and the subscriber
 * table. `local.ts` delivers in-process; `redis.ts` carries them between engine instances. Every
 * implementation passes `test/conformance/pubsub.test.ts`.
 */
export type MessageHandler = (topic: string, data: unknown) => void;

export interface PubSubAdapter {
  /** Hand a message to every engine instance listening on `topic` (including this one). */
  publish(topic: string, data: unknown): Promise<void>;
  /** Start receiving `topic` (called when its first local subscriber appears). */
  listen(topic: string): Promise<void> | void;
  /** Stop receiving `topic` (called when its last local subscriber goes). */
  unlisten(topic: string): Promise<void> | void;
  close(): Promise<void> | void;
}

export type AdapterFactory = (onMessage: MessageHandler) => PubSubAdapter;
