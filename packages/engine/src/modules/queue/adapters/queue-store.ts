/**
 * The queue storage contract. Consumers never touch SQL: they lease, ack, retry and fail through
 * this interface, so a Redis (or other) backend can follow by implementing it and passing
 * `test/conformance/queue-store.test.ts`.
 *
 * Delivery is at-least-once: a leased job that was never acked (crash, lost lease) is handed out
 * again after a restart. Leases themselves are not persisted; every stored job is ready on open.
 */
import type { Disposer } from '../../module.ts';
import type { DlqMessage, Job, NewJob } from '../job.ts';

export interface QueueDepth {
  /** Ready to be leased now. */
  waiting: number;
  /** Waiting for a retry backoff to pass. */
  delayed: number;
  /** Leased, not yet acked. */
  active: number;
}

export interface QueueStore {
  /** Store a job; resolves once it would survive a crash of the process. */
  add(job: NewJob): Promise<void>;
  /**
   * Lease up to `limit` jobs of `queue` whose `availableAt` ≤ `now`, oldest first. A job with a
   * `groupKey` is handed out only when no other job of its group is leased or waiting for a retry,
   * and only if it is the group's oldest job (FIFO per group).
   */
  lease(queue: string, limit: number, now: number): Job[];
  /** Done: forget the job. */
  ack(job: Job): void;
  /** Failed, will retry: count the attempt and hide the job until `availableAt`. */
  retry(job: Job, availableAt: number, error: string): void;
  /** Give a leased job back untouched (no attempt counted), ready at `availableAt`. */
  release(job: Job, availableAt: number): void;
  /** Failed for good: count the attempt and move the job to the queue's DLQ. */
  fail(job: Job, error: string, failedAt: number): void;
  /** Earliest `availableAt` among delayed jobs of `queue`, if any. */
  nextAvailableAt(queue: string): number | undefined;
  /** Called (synchronously, after the write is durable) when jobs become leasable in `queue`. */
  onReady(listener: (queue: string) => void): Disposer;
  depth(queue: string): QueueDepth;
  /** Queues that hold at least one job. */
  queues(): string[];
  dlqCount(queue: string): number;
  dlqList(queue: string, offset: number, limit: number): DlqMessage[];
  /** Queues with at least one dead-lettered job. */
  dlqQueues(): Array<{ queue: string; count: number }>;
  /** Move every DLQ job of `queue` back to the queue with a fresh attempt budget; returns how many. */
  redrive(queue: string): Promise<number>;
  redriveMessage(queue: string, id: string): Promise<0 | 1>;
  discardMessage(queue: string, id: string): Promise<0 | 1>;
  /** Resolve once every earlier write is durable. */
  flush(): Promise<void>;
  close(): Promise<void>;
}
