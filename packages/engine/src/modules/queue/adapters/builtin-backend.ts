/**
 * The `builtin` queue backend: the SQLite store (`sqlite-store.ts`) and its lease-based consumers
 * (`consumer.ts`) behind the async `QueueBackend` contract. One engine owns the file; jobs, retries,
 * FIFO groups and the DLQ all live in it.
 */
import type { Logger } from '../../../util/logger.ts';
import { ConsumerSet } from '../consumers.ts';
import type { DlqMessage } from '../job.ts';
import {
  type ConsumerSpec,
  displayName,
  type FunctionPresence,
  type NewNamedJob,
  type QueueBackend,
  type QueueDepth,
  type QueueRef,
} from './queue-backend.ts';
import type { QueueStore } from './queue-store.ts';
import { SqliteQueueStore } from './sqlite/sqlite-store.ts';

export interface BuiltinBackendOptions {
  /** File path or `:memory:`. */
  path: string;
  synchronous: 'normal' | 'full';
  functions: FunctionPresence;
  log: Logger;
}

type Subscriber = Pick<ConsumerSpec, 'maxAttempts' | 'backoff'> & { functionId: string };

/** Parked topic messages are never consumed; these only fill the job's required fields. */
const PARKED_POLICY = { maxAttempts: 3, backoff: { type: 'exponential', delay: 1000 } } as const;

export class BuiltinQueueBackend implements QueueBackend {
  readonly kind = 'builtin';
  readonly location: string;
  readonly store: QueueStore;
  private readonly consumers: ConsumerSet;
  /** topic → store queue → subscriber. Kept after unsubscribe: the queue collects messages while its worker is away. */
  private readonly topics = new Map<string, Map<string, Subscriber>>();

  constructor(opts: BuiltinBackendOptions) {
    this.location = opts.path;
    this.store = new SqliteQueueStore({ path: opts.path, synchronous: opts.synchronous });
    this.consumers = new ConsumerSet(this.store, opts.functions, opts.log);
  }

  async start(): Promise<void> {}

  async consume(ref: QueueRef, spec: ConsumerSpec): Promise<void> {
    const queue = displayName(ref);
    if (ref.kind === 'subscription') {
      const subs = this.topics.get(ref.topic) ?? new Map<string, Subscriber>();
      subs.set(queue, { functionId: ref.functionId, maxAttempts: spec.maxAttempts, backoff: spec.backoff });
      this.topics.set(ref.topic, subs);
    }
    this.consumers.ensure(queue, { concurrency: spec.concurrency, pollIntervalMs: spec.pollIntervalMs, handle: spec.handle });
  }

  async stopConsuming(ref: QueueRef): Promise<void> {
    this.consumers.drop(displayName(ref));
  }

  enqueue(job: NewNamedJob): Promise<void> {
    const { priority: _ignored, ...rest } = job;
    return this.store.add(rest);
  }

  async publish(topic: string, message: { id: string; data: unknown; traceparent?: string; baggage?: string }): Promise<void> {
    const subs = this.topics.get(topic);
    if (!subs || subs.size === 0) {
      await this.store.add({ ...message, queue: topic, functionId: '', ...PARKED_POLICY });
      return;
    }
    await Promise.all(
      [...subs].map(([queue, sub]) =>
        this.store.add({ ...message, queue, functionId: sub.functionId, maxAttempts: sub.maxAttempts, backoff: sub.backoff }),
      ),
    );
  }

  async depth(ref: QueueRef): Promise<QueueDepth> {
    return this.store.depth(displayName(ref));
  }

  async dlqCount(ref: QueueRef): Promise<number> {
    return this.store.dlqCount(displayName(ref));
  }

  async dlqList(ref: QueueRef, offset: number, limit: number): Promise<DlqMessage[]> {
    return this.store.dlqList(displayName(ref), offset, limit);
  }

  async dlqQueues(): Promise<Array<{ queue: string; count: number }>> {
    return this.store.dlqQueues();
  }

  redrive(ref: QueueRef): Promise<number> {
    return this.store.redrive(displayName(ref));
  }

  redriveMessage(ref: QueueRef, messageId: string): Promise<0 | 1> {
    return this.store.redriveMessage(displayName(ref), messageId);
  }

  discardMessage(ref: QueueRef, messageId: string): Promise<0 | 1> {
    return this.store.discardMessage(displayName(ref), messageId);
  }

  backlog(): Array<{ functionId: string; waiting: number }> {
    return this.consumers.backlog();
  }

  async pendingCount(): Promise<number> {
    return this.store.queues().reduce((n, q) => {
      const d = this.store.depth(q);
      return n + d.waiting + d.delayed + d.active;
    }, 0);
  }

  async close(): Promise<void> {
    this.consumers.stopAll();
    await this.store.close();
  }
}
