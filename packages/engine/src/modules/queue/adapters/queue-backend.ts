/**
 * The queue backend contract: what the queue worker's functions and triggers need from storage,
 * at a level both an embedded store and a broker can implement. Everything is async; `enqueue` and
 * `publish` resolve only once the message is durable (SQLite commit, or a RabbitMQ publisher
 * confirm), so a caller never sees success for a message that could still be lost.
 *
 * Delivery is at-least-once: a handler that has not finished when its consumer dies (engine crash,
 * AMQP connection lost) gets the job again, on this engine or another one sharing the backend.
 *
 * Implementations: `builtin-backend.ts` (SQLite journal, one engine), `rabbitmq/backend.ts`
 * (several engines share queues). Both pass `test/conformance/queue-backend.test.ts`.
 */
import type { Disposer } from '../../module.ts';
import type { BackoffSpec } from '../backoff.ts';
import type { DlqMessage, Job } from '../job.ts';
import type { QueueDepth } from './queue-store.ts';

export type { QueueDepth };

/**
 * A logical queue. Named function queues hold jobs for `engine::queue::enqueue`; each function
 * subscribed to a durable topic has its own queue; messages published to a topic nobody has
 * subscribed to yet are parked (kept, never lost) on the topic's parking queue.
 */
export type QueueRef =
  | { kind: 'named'; name: string }
  | { kind: 'subscription'; topic: string; functionId: string }
  | { kind: 'parked'; topic: string };

/** The name admin functions show for a queue (`engine::queue::dlq_topics`): `<name>`, `<topic>::<function_id>` or `<topic>`. */
export function displayName(ref: QueueRef): string {
  if (ref.kind === 'named') return ref.name;
  if (ref.kind === 'subscription') return `${ref.topic}::${ref.functionId}`;
  return ref.topic;
}

/**
 * Which functions this engine serves: a job for a function that is not registered yet (its worker is
 * reconnecting) is held back without spending an attempt.
 */
export interface FunctionPresence {
  has(functionId: string): boolean;
  /** Called whenever the set of registered functions changes. */
  onChange(listener: () => void): Disposer;
}

/** What a handler gets: one delivery of one job. */
export type Delivery = Pick<Job, 'id' | 'queue' | 'functionId' | 'data' | 'traceparent' | 'baggage' | 'attempts'>;

export interface ConsumerSpec {
  /** Jobs in flight at once on this engine; 0 pauses consumption (durable `queue_config.concurrency: 0`). */
  concurrency: number;
  /** Builtin only: safety re-check interval when idle. */
  pollIntervalMs: number;
  /** Total attempts before the DLQ. */
  maxAttempts: number;
  backoff: BackoffSpec;
  /** FIFO queue: jobs sharing a group run one at a time, in enqueue order (the group key is set at enqueue). */
  fifo?: boolean | undefined;
  /** RabbitMQ priority queues (`max_priority`): declared with `x-max-priority`. */
  maxPriority?: number | undefined;
  /** Resolve → ack; reject → failed attempt (retry with backoff, then the DLQ). */
  handle(job: Delivery): Promise<void>;
}

export interface QueueBackend {
  /** `builtin` or `rabbitmq`. */
  readonly kind: string;
  /** Where the data lives, for logs: a file path, `:memory:` or the broker URL without credentials. */
  readonly location: string;
  /** Connect / open; fails with a coded error naming the service when it cannot. */
  start(): Promise<void>;
  /** Consume `ref` with `spec` (start, or apply the new spec to the running consumer). */
  consume(ref: QueueRef, spec: ConsumerSpec): Promise<void>;
  /** Stop consuming `ref`; its jobs stay queued. */
  stopConsuming(ref: QueueRef): Promise<void>;
  /** Store a job on a named queue (consumed with `consume({kind:'named'})` on any engine). */
  enqueue(job: NewNamedJob): Promise<void>;
  /** One copy of the message for every function subscribed to `topic`; parked when there is none yet. */
  publish(
    topic: string,
    message: { id: string; data: unknown; traceparent?: string | undefined; baggage?: string | undefined },
  ): Promise<void>;
  /** Waiting/delayed jobs of the queue; `active` counts this engine's jobs in flight. */
  depth(ref: QueueRef): Promise<QueueDepth>;
  dlqCount(ref: QueueRef): Promise<number>;
  /** Dead-lettered jobs, oldest first. */
  dlqList(ref: QueueRef, offset: number, limit: number): Promise<DlqMessage[]>;
  /** Queues this engine knows of that hold dead-lettered jobs, by `displayName`. */
  dlqQueues(): Promise<Array<{ queue: string; count: number }>>;
  /** Move every DLQ job back to its queue with a fresh attempt budget; returns how many. */
  redrive(ref: QueueRef): Promise<number>;
  redriveMessage(ref: QueueRef, messageId: string): Promise<0 | 1>;
  discardMessage(ref: QueueRef, messageId: string): Promise<0 | 1>;
  /**
   * Jobs ready to run that wait for a free slot of this engine's consumers, per function (the queue
   * backlog service, backlog.ts). Optional: a broker holds its waiting jobs remotely.
   */
  backlog?(): Array<{ functionId: string; waiting: number }>;
  /** Jobs not yet done on queues this engine knows of (for the adapter-swap warning). */
  pendingCount(): Promise<number>;
  /** Stop every consumer and release the connection/file; running jobs are redelivered later. */
  close(): Promise<void>;
}

/**
 * A named-queue job as `engine::queue::enqueue` hands it over. `maxAttempts` and `backoff` come from the
 * queue's config, like the consumer's spec: the builtin keeps the values a job was enqueued with, a broker
 * applies the consuming queue's current spec (the same unless the config changed in between).
 */
export interface NewNamedJob {
  id: string;
  queue: string;
  functionId: string;
  data: unknown;
  groupKey?: string | undefined;
  /** Priority queues: 0..max_priority (RabbitMQ only; the builtin ignores it). */
  priority?: number | undefined;
  maxAttempts: number;
  backoff: BackoffSpec;
  traceparent?: string | undefined;
  baggage?: string | undefined;
}
