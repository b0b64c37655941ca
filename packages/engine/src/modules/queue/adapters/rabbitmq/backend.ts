/**
 * The `rabbitmq` queue backend (`adapter: { name: rabbitmq, config: { amqp_url } }`): named queues,
 * durable topics and their DLQs live on the broker, so several engines share them. Every engine
 * consumes every named queue it has configured and every topic its workers subscribed to; RabbitMQ
 * hands each message to one consumer and gives it back if that consumer dies before its ack.
 * Topology and delivery guarantees: docs/scale-out.md (RabbitMQ queue adapter).
 */

import { EngineError } from '../../../../core/errors/index.ts';
import type { Logger } from '../../../../util/logger.ts';
import type { Disposer } from '../../../module.ts';
import type { DlqMessage } from '../../job.ts';
import {
  type ConsumerSpec,
  displayName,
  type FunctionPresence,
  type NewNamedJob,
  type QueueBackend,
  type QueueDepth,
  type QueueRef,
} from '../queue-backend.ts';
import { encode } from './codec.ts';
import { AmqpConsumer } from './consumer.ts';
import { countOf, dlqList, redriveAll, settleOne } from './inspect.ts';
import { AmqpLink } from './link.ts';
import { namesOf, retryDelays, type Topology, TopologyCache } from './topology.ts';

export interface RabbitMqBackendOptions {
  /** @default 'amqp://localhost:5672' */
  url: string;
  /** Enqueue/publish wait for the broker at most this long. @default 5000 */
  publishTimeoutMs?: number;
  /** Consumers hold this many messages beyond their concurrency. @default 10 */
  prefetchCount?: number;
  functions: FunctionPresence;
  log: Logger;
}

/** Parking queues are never consumed: no retries, no DLQ. */
const PARKED: Topology = { maxAttempts: 1, backoff: { type: 'fixed', delay: 0 } };

export class RabbitMqQueueBackend implements QueueBackend {
  readonly kind = 'rabbitmq';
  readonly link: AmqpLink;
  private readonly topology = new TopologyCache();
  private readonly consumers = new Map<string, AmqpConsumer>();
  /** Every queue this engine has consumed, with its latest spec (kept after a stop, for admin calls). */
  private readonly known = new Map<string, { ref: QueueRef; spec: ConsumerSpec }>();
  private readonly disposers: Disposer[] = [];

  constructor(private readonly opts: RabbitMqBackendOptions) {
    this.link = new AmqpLink({ url: opts.url, log: opts.log, publishTimeoutMs: opts.publishTimeoutMs ?? 5000 });
  }

  get location(): string {
    return this.link.location;
  }

  async start(): Promise<void> {
    await this.link.start();
    // After a reconnect: re-declare and resume every consumer (their unacked messages were requeued).
    this.disposers.push(this.link.onUp(() => Promise.all([...this.consumers.values()].map((c) => c.attach())).then(() => {})));
    this.disposers.push(
      this.opts.functions.onChange(() => {
        for (const c of this.consumers.values()) c.functionsChanged();
      }),
    );
  }

  async consume(ref: QueueRef, spec: ConsumerSpec): Promise<void> {
    const key = keyOf(ref);
    this.known.set(key, { ref, spec });
    const running = this.consumers.get(key);
    if (running) return running.update(spec);
    const consumer = new AmqpConsumer(ref, spec, {
      link: this.link,
      topology: this.topology,
      hasFunction: (id) => this.opts.functions.has(id),
      log: this.opts.log,
      prefetchExtra: this.opts.prefetchCount ?? 10,
    });
    this.consumers.set(key, consumer);
    await consumer.attach();
  }

  async stopConsuming(ref: QueueRef): Promise<void> {
    const key = keyOf(ref);
    const c = this.consumers.get(key);
    this.consumers.delete(key);
    await c?.stop();
  }

  async enqueue(job: NewNamedJob): Promise<void> {
    const ref: QueueRef = { kind: 'named', name: job.queue };
    const known = this.known.get(keyOf(ref));
    if (!known) throw new EngineError('E_QUEUE_NOT_FOUND', `Queue '${job.queue}' not found`);
    const conn = await this.link.connection(`enqueue to ${job.queue}`);
    await this.topology.ensure(conn, ref, known.spec);
    const names = namesOf(ref);
    const { content, options } = encode(job, 0);
    await this.link.publish(names.exchange, names.routingKey, content, options);
  }

  async publish(topic: string, message: { id: string; data: unknown; traceparent?: string; baggage?: string }): Promise<void> {
    const ref: QueueRef = { kind: 'parked', topic };
    // Declared at publish: the topic exchange routes to every subscriber queue (on any engine), and
    // to the parking queue when there is none yet, so no publish is lost (the reference drops them).
    await this.topology.ensure(await this.link.connection(`publish to ${topic}`), ref, PARKED);
    const { content, options } = encode({ ...message, functionId: '' }, 0);
    await this.link.publish(namesOf({ kind: 'subscription', topic, functionId: '' }).exchange, '', content, options);
  }

  async depth(ref: QueueRef): Promise<QueueDepth> {
    const names = namesOf(ref);
    const spec = this.known.get(keyOf(ref))?.spec;
    const waiting = await countOf(this.link, names.queue);
    let delayed = 0;
    if (spec && ref.kind !== 'parked') for (const d of retryDelays(spec)) delayed += await countOf(this.link, names.retry(d));
    return { waiting, delayed, active: this.consumers.get(keyOf(ref))?.active ?? 0 };
  }

  async dlqCount(ref: QueueRef): Promise<number> {
    const { dlq } = namesOf(ref);
    return dlq ? countOf(this.link, dlq) : 0;
  }

  async dlqList(ref: QueueRef, offset: number, limit: number): Promise<DlqMessage[]> {
    const { dlq } = namesOf(ref);
    return dlq ? dlqList(this.link, dlq, offset, limit) : [];
  }

  async dlqQueues(): Promise<Array<{ queue: string; count: number }>> {
    const out: Array<{ queue: string; count: number }> = [];
    for (const { ref } of this.known.values()) {
      const count = await this.dlqCount(ref);
      if (count > 0) out.push({ queue: displayName(ref), count });
    }
    return out;
  }

  async redrive(ref: QueueRef): Promise<number> {
    const { dlq, queue } = namesOf(ref);
    return dlq ? redriveAll(this.link, dlq, queue) : 0;
  }

  async redriveMessage(ref: QueueRef, messageId: string): Promise<0 | 1> {
    const { dlq, queue } = namesOf(ref);
    return dlq ? settleOne(this.link, dlq, messageId, queue) : 0;
  }

  async discardMessage(ref: QueueRef, messageId: string): Promise<0 | 1> {
    const { dlq } = namesOf(ref);
    return dlq ? settleOne(this.link, dlq, messageId, undefined) : 0;
  }

  async pendingCount(): Promise<number> {
    let n = 0;
    for (const { ref } of this.known.values()) {
      const d = await this.depth(ref);
      n += d.waiting + d.delayed + d.active;
    }
    return n;
  }

  /** Drop the connection: jobs still running here are requeued by the broker for the other consumers. */
  async close(): Promise<void> {
    for (const d of this.disposers.splice(0)) d();
    this.consumers.clear();
    await this.link.close();
  }
}

function keyOf(ref: QueueRef): string {
  return JSON.stringify(
    ref.kind === 'subscription' ? [ref.kind, ref.topic, ref.functionId] : [ref.kind, ref.kind === 'named' ? ref.name : ref.topic],
  );
}
