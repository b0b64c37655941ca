/**
 * Where a queue lives in Redis. Each kind of queue has its own namespace, so a named queue `x` and the
 * parking queue of topic `x` never share keys; scripts.ts lists the keys under each base.
 */
import type { QueueRef } from '../queue-backend.ts';

export function queueBase(prefix: string, ref: QueueRef): string {
  if (ref.kind === 'named') return `${prefix}queue:n:${ref.name}`;
  if (ref.kind === 'subscription') return `${prefix}queue:s:${ref.topic}::${ref.functionId}`;
  return `${prefix}queue:p:${ref.topic}`;
}

/** Hash of a durable topic's subscribers: function id → its retry policy (shared, so any engine can publish). */
export const topicSubscribers = (prefix: string, topic: string): string => `${prefix}queue:topic:${topic}`;
