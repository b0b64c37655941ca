/** Producer functions: `engine::queue::enqueue` (the engine's Enqueue action) and `iii::durable::publish`. */

import { randomUUID } from 'node:crypto';
import { z } from 'zod';
import { EngineError } from '../../core/errors/index.ts';
import { defineFunction } from '../define-function.ts';
import type { LocalFunction } from '../module.ts';
import type { NewNamedJob, QueueBackend } from './adapters/queue-backend.ts';
import type { NamedQueueConfig } from './config.ts';
import type { DurableTopics } from './durable.ts';

const enqueueInput = z.looseObject({
  queue: z.string(),
  function_id: z.string().min(1),
  data: z.unknown().optional(),
  messageReceiptId: z.string().optional(),
  traceparent: z.string().optional(),
  baggage: z.string().optional(),
});

/** FIFO queues name the message group by a field of `data`; it must be present and non-null. */
function groupKeyOf(queue: string, cfg: NamedQueueConfig, data: unknown): string | undefined {
  if (cfg.type !== 'fifo') return undefined;
  const field = cfg.message_group_field;
  if (!field) throw new EngineError('E_QUEUE_GROUP_MISSING', `FIFO queue '${queue}' has no message_group_field configured`);
  const value = typeof data === 'object' && data !== null ? (data as Record<string, unknown>)[field] : undefined;
  if (value === undefined || value === null)
    throw new EngineError('E_QUEUE_GROUP_MISSING', `Message for FIFO queue '${queue}' has no '${field}' field`);
  return typeof value === 'string' ? value : JSON.stringify(value);
}

/** `priority_field` names a numeric `data` field; capped at `max_priority` (RabbitMQ priority queues). */
function priorityOf(cfg: NamedQueueConfig, data: unknown): number | undefined {
  if (!cfg.priority_field || cfg.max_priority === undefined) return undefined;
  const value = typeof data === 'object' && data !== null ? (data as Record<string, unknown>)[cfg.priority_field] : undefined;
  if (typeof value !== 'number' || !Number.isFinite(value)) return undefined;
  return Math.max(0, Math.min(cfg.max_priority, Math.floor(value)));
}

export function enqueueFunction(backend: QueueBackend, namedQueues: () => ReadonlyMap<string, NamedQueueConfig>): LocalFunction {
  return defineFunction({
    id: 'engine::queue::enqueue',
    description: 'Queue provider used by the engine for TriggerAction.Enqueue',
    input: enqueueInput,
    async handler(req) {
      const cfg = namedQueues().get(req.queue);
      if (!cfg) throw new EngineError('E_QUEUE_NOT_FOUND', `Queue '${req.queue}' not found`);
      const data = req.data ?? null;
      const job: NewNamedJob = {
        id: req.messageReceiptId ?? randomUUID(),
        queue: req.queue,
        functionId: req.function_id,
        data,
        groupKey: groupKeyOf(req.queue, cfg, data),
        priority: priorityOf(cfg, data),
        maxAttempts: cfg.max_retries,
        backoff: { type: cfg.backoff_type, delay: cfg.backoff_ms, jitter: cfg.backoff_jitter },
        traceparent: req.traceparent,
        baggage: req.baggage,
      };
      await backend.enqueue(job);
      return null;
    },
  });
}

const publishInput = z.looseObject({ topic: z.string().optional(), queue: z.string().optional(), data: z.unknown().optional() });

export function durablePublishFunction(durable: DurableTopics): LocalFunction {
  return defineFunction({
    id: 'iii::durable::publish',
    description: 'Publish a message to every durable:subscriber of a topic (queued, retried, at-least-once)',
    input: publishInput,
    async handler(req) {
      const topic = req.topic || req.queue;
      if (!topic) throw new EngineError('topic_not_set', 'Topic is not set');
      await durable.publish(topic, req.data ?? null);
      return null;
    },
  });
}
