/**
 * Durable pub/sub: `iii::durable::publish {topic, data}` and trigger type `durable:subscriber`.
 * Each distinct subscribed function gets its own internal queue `<topic>::<function_id>`, so every
 * function receives every message, while several triggers of one function share (compete on) it.
 * A message for a topic that never had a subscriber is parked on the bare `<topic>` queue (no consumer);
 * once a function has subscribed, its queue keeps collecting messages while its worker is away.
 */

import { randomUUID } from 'node:crypto';
import { z } from 'zod';
import { check, formatIssues } from '../../core/config/schema.ts';
import { EngineError } from '../../core/errors/index.ts';
import type { Logger } from '../../util/logger.ts';
import type { EngineApi, TriggerInstance } from '../module.ts';
import type { ConsumerSpec, Delivery, QueueBackend, QueueRef } from './adapters/queue-backend.ts';

const queueConfigSchema = z.looseObject({
  type: z.enum(['concurrent', 'fifo'] as const).optional(),
  /** Retries after the first attempt. */
  maxRetries: z.int().min(0).optional(),
  /** 0 pauses consumption. */
  concurrency: z.int().min(0).optional(),
  backoffDelayMs: z.int().min(0).optional(),
  visibilityTimeout: z.number().optional(),
  delaySeconds: z.number().optional(),
  backoffType: z.string().optional(),
  maxPriority: z.int().optional(),
});

type DurableQueueConfig = {
  type?: 'concurrent' | 'fifo' | undefined;
  maxRetries?: number | undefined;
  concurrency?: number | undefined;
  backoffDelayMs?: number | undefined;
};

export const durableTriggerConfigSchema = z.looseObject({
  topic: z.string().optional(),
  queue: z.string().optional(),
  condition_function_id: z.string().optional(),
  queue_config: queueConfigSchema.optional(),
});

interface Subscription {
  topic: string;
  functionId: string;
  triggers: Set<string>;
  maxAttempts: number;
  backoffMs: number;
  concurrency: number;
  conditionFunctionId: string | undefined;
}

export const DURABLE_DEFAULTS = { maxRetries: 2, concurrency: 10, backoffDelayMs: 1000, pollIntervalMs: 100 } as const;

function subscriptionRef(sub: Pick<Subscription, 'topic' | 'functionId'>): QueueRef {
  return { kind: 'subscription', topic: sub.topic, functionId: sub.functionId };
}

export class DurableTopics {
  /** Internal queue name → subscription. */
  private readonly subs = new Map<string, Subscription>();
  private readonly queueOfTrigger = new Map<string, string>();

  constructor(
    private readonly backend: QueueBackend,
    private readonly engine: EngineApi,
    private readonly log: Logger,
  ) {}

  async register(trigger: TriggerInstance): Promise<void> {
    const parsed = check(durableTriggerConfigSchema, trigger.config ?? {});
    if (!parsed.ok) throw new EngineError('trigger_registration_failed', formatIssues(parsed.issues));
    const cfg = parsed.value;
    const topic = cfg.topic || cfg.queue;
    if (!topic) throw new EngineError('trigger_registration_failed', 'durable:subscriber requires a topic');
    await this.unregister(trigger);
    const qc: DurableQueueConfig = cfg.queue_config ?? {};
    const queue = `${topic}::${trigger.function_id}`;
    const sub: Subscription = this.subs.get(queue) ?? {
      topic,
      functionId: trigger.function_id,
      triggers: new Set(),
      maxAttempts: 0,
      backoffMs: 0,
      concurrency: 0,
      conditionFunctionId: undefined,
    };
    sub.triggers.add(trigger.id);
    // The latest registration's queue_config wins for the shared per-function queue.
    sub.maxAttempts = (qc.maxRetries ?? DURABLE_DEFAULTS.maxRetries) + 1;
    sub.backoffMs = qc.backoffDelayMs ?? DURABLE_DEFAULTS.backoffDelayMs;
    sub.concurrency = qc.type === 'fifo' ? Math.min(1, qc.concurrency ?? 1) : (qc.concurrency ?? DURABLE_DEFAULTS.concurrency);
    sub.conditionFunctionId = cfg.condition_function_id || undefined;
    this.subs.set(queue, sub);
    this.queueOfTrigger.set(trigger.id, queue);
    const spec: ConsumerSpec = {
      concurrency: sub.concurrency,
      pollIntervalMs: DURABLE_DEFAULTS.pollIntervalMs,
      maxAttempts: sub.maxAttempts,
      backoff: { type: 'exponential', delay: sub.backoffMs },
      fifo: qc.type === 'fifo',
      handle: (job) => this.handle(sub, job),
    };
    try {
      await this.backend.consume(subscriptionRef(sub), spec);
    } catch (err) {
      // Refused (e.g. the broker's queue has other arguments): the trigger is not registered.
      sub.triggers.delete(trigger.id);
      this.queueOfTrigger.delete(trigger.id);
      throw err;
    }
  }

  async unregister(trigger: TriggerInstance): Promise<void> {
    const queue = this.queueOfTrigger.get(trigger.id);
    if (queue === undefined) return;
    this.queueOfTrigger.delete(trigger.id);
    const sub = this.subs.get(queue);
    sub?.triggers.delete(trigger.id);
    // The per-function queue outlives its last trigger (like a durable queue outlives its consumer):
    // messages published while the worker is away wait for it instead of being parked on the topic.
    if (sub && sub.triggers.size === 0) await this.backend.stopConsuming(subscriptionRef(sub));
  }

  /** One job per subscribed function (on any engine sharing the backend); durable before this resolves. */
  publish(topic: string, data: unknown): Promise<void> {
    return this.backend.publish(topic, { id: randomUUID(), data });
  }

  /** The queues behind a topic name: its parking queue and one per function ever subscribed here. */
  refsOf(topic: string): QueueRef[] {
    const subs = [...this.subs.values()].filter((sub) => sub.topic === topic).map(subscriptionRef);
    return [{ kind: 'parked', topic }, ...subs];
  }

  topics(): Map<string, number> {
    const out = new Map<string, number>();
    for (const sub of this.subs.values()) out.set(sub.topic, (out.get(sub.topic) ?? 0) + (sub.triggers.size > 0 ? 1 : 0));
    return out;
  }

  /** Condition first (exactly `false` skips; an error skips and is logged), then the handler. */
  private async handle(sub: Subscription, job: Delivery): Promise<void> {
    const opts = { traceparent: job.traceparent, baggage: job.baggage };
    if (sub.conditionFunctionId) {
      try {
        if ((await this.engine.invoke(sub.conditionFunctionId, job.data, opts)) === false) return;
      } catch (err) {
        this.log.warn('durable:subscriber condition failed; message skipped', { function_id: sub.conditionFunctionId, error: String(err) });
        return;
      }
    }
    await this.engine.invoke(job.functionId, job.data, opts);
  }
}
