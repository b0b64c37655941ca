/** DLQ and inspection functions: `iii::queue::redrive*`, `iii::queue::discard_message`, `engine::queue::*`. */
import { z } from 'zod';
import { EngineError } from '../../core/errors/index.ts';
import { defineFunction, noInput } from '../define-function.ts';
import type { LocalFunction } from '../module.ts';
import type { QueueBackend, QueueRef } from './adapters/queue-backend.ts';
import type { NamedQueueConfig } from './config.ts';
import { errorText } from './consumer.ts';
import type { DurableTopics } from './durable.ts';

export interface AdminDeps {
  backend: QueueBackend;
  durable: DurableTopics;
  namedQueues: () => ReadonlyMap<string, NamedQueueConfig>;
}

const queueInput = z.looseObject({ queue: z.string().optional(), topic: z.string().optional() });
const messageInput = z.looseObject({ queue: z.string().optional(), topic: z.string().optional(), message_id: z.string().optional() });
const dlqInput = z.looseObject({
  topic: z.string().optional(),
  queue: z.string().optional(),
  offset: z.int().min(0).default(0),
  limit: z.int().min(1).default(50),
});

/** A name is a named queue or a durable topic (its parking queue and its per-function queues). */
function queuesFor(deps: AdminDeps, name: string): QueueRef[] {
  const [parked, ...subs] = deps.durable.refsOf(name);
  const own: QueueRef = deps.namedQueues().has(name) ? { kind: 'named', name } : (parked as QueueRef);
  return [own, ...subs];
}

function brokerType(deps: AdminDeps, queue: string): string {
  return deps.namedQueues().has(queue) ? 'function_queue' : 'topic';
}

/** Run a store operation, mapping any failure to the function's reference error code. */
async function guarded<T>(code: string, fn: () => Promise<T>): Promise<T> {
  try {
    return await fn();
  } catch (err) {
    if (err instanceof EngineError && err.code === 'deserialization_error') throw err;
    throw new EngineError(code, errorText(err), { cause: err });
  }
}

function redrive(deps: AdminDeps): LocalFunction {
  return defineFunction({
    id: 'iii::queue::redrive',
    description: 'Move every dead-lettered message of a queue back to the queue',
    input: queueInput,
    async handler(req) {
      const queue = req.queue || req.topic;
      if (!queue) throw new EngineError('queue_not_set', 'Queue is not set');
      return guarded('redrive_failed', async () => {
        let redriven = 0;
        for (const q of queuesFor(deps, queue)) redriven += await deps.backend.redrive(q);
        return { queue, redriven };
      });
    },
  });
}

function messageOp(deps: AdminDeps, id: string, code: string, op: (q: QueueRef, m: string) => Promise<0 | 1>): LocalFunction {
  return defineFunction({
    id,
    input: messageInput,
    async handler(req) {
      const queue = req.queue || req.topic;
      if (!queue) throw new EngineError('queue_not_set', 'Queue is not set');
      if (!req.message_id) throw new EngineError('message_id_not_set', 'Message id is not set');
      const messageId = req.message_id;
      return guarded(code, async () => {
        let redriven: 0 | 1 = 0;
        for (const q of queuesFor(deps, queue)) if (redriven === 0) redriven = await op(q, messageId);
        return { queue, message_id: messageId, redriven };
      });
    },
  });
}

function listTopics(deps: AdminDeps): LocalFunction {
  return defineFunction({
    id: 'engine::queue::list_topics',
    description: 'Named queues and durable topics',
    input: noInput,
    handler() {
      const named = [...deps.namedQueues().keys()].map((name) => ({ name, broker_type: 'function_queue', subscriber_count: 1 }));
      const topics = [...deps.durable.topics()].map(([name, n]) => ({ name, broker_type: 'topic', subscriber_count: n }));
      return [...named, ...topics].sort((a, b) => a.name.localeCompare(b.name));
    },
  });
}

function topicStats(deps: AdminDeps): LocalFunction {
  return defineFunction({
    id: 'engine::queue::topic_stats',
    description: 'Depth (and its waiting / delayed / in_flight breakdown), consumers and DLQ depth of a queue or durable topic',
    input: queueInput,
    async handler(req) {
      const name = req.topic || req.queue;
      if (!name) throw new EngineError('topic_required', 'Topic is required');
      const cfg = deps.namedQueues().get(name);
      const sum = { waiting: 0, delayed: 0, in_flight: 0, dlq_depth: 0 };
      for (const q of queuesFor(deps, name)) {
        const d = await deps.backend.depth(q);
        sum.waiting += d.waiting;
        sum.delayed += d.delayed;
        sum.in_flight += d.active;
        sum.dlq_depth += await deps.backend.dlqCount(q);
      }
      const consumers = cfg ? cfg.concurrency : (deps.durable.topics().get(name) ?? 0);
      const depth = sum.waiting + sum.delayed + sum.in_flight;
      // waiting / delayed / in_flight are Triad's breakdown of `depth` (the console's Queues page shows them).
      return { depth, consumer_count: consumers, config: cfg ?? null, ...sum };
    },
  });
}

function dlqTopics(deps: AdminDeps): LocalFunction {
  return defineFunction({
    id: 'engine::queue::dlq_topics',
    description: 'Queues holding dead-lettered messages',
    input: noInput,
    async handler() {
      return (await deps.backend.dlqQueues()).map(({ queue, count }) => ({
        topic: queue,
        broker_type: brokerType(deps, queue),
        message_count: count,
      }));
    },
  });
}

function dlqMessages(deps: AdminDeps): LocalFunction {
  return defineFunction({
    id: 'engine::queue::dlq_messages',
    description: 'Dead-lettered messages of a queue: { id, payload, error, failed_at }',
    input: dlqInput,
    async handler(req) {
      const name = req.topic || req.queue;
      if (!name) throw new EngineError('topic_required', 'Topic is required');
      const lists = await Promise.all(queuesFor(deps, name).map((q) => deps.backend.dlqList(q, 0, req.offset + req.limit)));
      return lists.flat().slice(req.offset, req.offset + req.limit);
    },
  });
}

export function adminFunctions(deps: AdminDeps): LocalFunction[] {
  return [
    redrive(deps),
    messageOp(deps, 'iii::queue::redrive_message', 'redrive_message_failed', (q, m) => deps.backend.redriveMessage(q, m)),
    messageOp(deps, 'iii::queue::discard_message', 'discard_message_failed', (q, m) => deps.backend.discardMessage(q, m)),
    listTopics(deps),
    topicStats(deps),
    dlqTopics(deps),
    dlqMessages(deps),
  ];
}
