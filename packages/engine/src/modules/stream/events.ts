/**
 * The stream event wrapper: the same object goes to `stream` triggers and (serialized once) to every
 * matching socket subscription (protocol.md §4.2.5, §8.3). Keys are camelCase on the wire.
 */
export type StreamEventBody =
  | { type: 'sync' | 'create' | 'update' | 'delete'; data: unknown }
  | { type: 'event'; event: { type: string; data: unknown } }
  | { type: 'unauthorized' };

export interface StreamEvent {
  type: 'stream';
  timestamp: number;
  streamName: string;
  groupId: string;
  id: string | null;
  event: StreamEventBody;
}

export function streamEvent(streamName: string, groupId: string, id: string | null, event: StreamEventBody): StreamEvent {
  return { type: 'stream', timestamp: Date.now(), streamName, groupId, id, event };
}

/** Payload of `stream:join` / `stream:leave` triggers. */
export interface JoinLeaveEvent {
  subscription_id: string;
  stream_name: string;
  group_id: string;
  id: string | null;
  context: unknown;
}
