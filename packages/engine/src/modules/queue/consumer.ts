/**
 * One consumer per queue: leases up to `concurrency` jobs, runs them, and settles each one
 * (ack on success; on failure retry with the job's backoff or move it to the DLQ once its attempt
 * budget is spent). Dispatch is event driven (store `onReady`, job completion, a timer for the
 * next retry); `pollIntervalMs` is only a safety net. While a queue is idle (nothing leased, running or
 * parked) that poll backs off, doubling up to IDLE_POLL_MAX_MS, so an idle engine is not woken ten
 * times a second per queue (bench/idle.ts); the first poll that finds work goes back to `pollIntervalMs`.
 *
 * A job whose function is not registered (its worker has not connected yet, e.g. right after an
 * engine restart) is parked without spending an attempt and released when the function appears.
 */
import { EngineError } from '../../core/errors/index.ts';
import type { Logger } from '../../util/logger.ts';
import type { QueueStore } from './adapters/queue-store.ts';
import { computeBackoff } from './backoff.ts';
import type { Job } from './job.ts';

export interface ConsumerOptions {
  queue: string;
  /** 0 pauses the consumer (durable `queue_config.concurrency: 0`). */
  concurrency: number;
  pollIntervalMs: number;
  store: QueueStore;
  /** Run the job: resolve → ack, reject → failed attempt. */
  handle: (job: Job) => Promise<void>;
  hasFunction: (id: string) => boolean;
  log: Logger;
  now?: () => number;
}

/** The safety-net poll of an idle queue backs off to this (or to `pollIntervalMs`, if that is longer). */
export const IDLE_POLL_MAX_MS = 2_000;

export function errorText(err: unknown): string {
  if (err instanceof Error) return err.message;
  if (typeof err === 'object' && err !== null && typeof (err as { message?: unknown }).message === 'string')
    return (err as { message: string }).message;
  return String(err);
}

export class QueueConsumer {
  private inflight = 0;
  private stopped = true;
  private wakeQueued = false;
  private parked: Job[] = [];
  private retryTimer: NodeJS.Timeout | undefined;
  private retryAt = Number.POSITIVE_INFINITY;
  private pollTimer: NodeJS.Timeout | undefined;
  private pollDelay = 0;
  /** The function of the job run last: whose worker this queue's backlog waits for. */
  private lastFunctionId: string | undefined;
  private readonly now: () => number;

  constructor(private opts: ConsumerOptions) {
    this.now = opts.now ?? Date.now;
  }

  get queue(): string {
    return this.opts.queue;
  }

  /** The current safety-net poll interval (backs off while idle). */
  get pollDelayMs(): number {
    return this.pollDelay;
  }

  get concurrency(): number {
    return this.opts.concurrency;
  }

  /** Jobs ready to run that wait for a free slot, and the function they run (undefined before the first job). */
  backlog(): { functionId: string | undefined; waiting: number } {
    return { functionId: this.lastFunctionId, waiting: this.opts.store.depth(this.opts.queue).waiting };
  }

  start(): void {
    if (!this.stopped) return;
    this.stopped = false;
    this.pollDelay = this.opts.pollIntervalMs;
    this.schedulePoll();
    this.wake();
  }

  /** Stop leasing; running jobs finish and settle normally; parked jobs go back to the store. */
  stop(): void {
    this.stopped = true;
    clearTimeout(this.pollTimer);
    clearTimeout(this.retryTimer);
    this.retryAt = Number.POSITIVE_INFINITY;
    const parked = this.parked;
    this.parked = [];
    for (const job of parked) this.opts.store.release(job, this.now());
  }

  update(patch: Partial<Pick<ConsumerOptions, 'concurrency' | 'pollIntervalMs' | 'handle'>>): void {
    const pollChanged = patch.pollIntervalMs !== undefined && patch.pollIntervalMs !== this.opts.pollIntervalMs;
    this.opts = { ...this.opts, ...patch };
    if (pollChanged && !this.stopped) {
      this.stop();
      this.start();
    } else this.wake();
  }

  private schedulePoll(): void {
    this.pollTimer = setTimeout(() => this.poll(), this.pollDelay);
    this.pollTimer.unref();
  }

  private poll(): void {
    if (this.stopped) return;
    this.pump();
    const busy = this.inflight > 0 || this.parked.length > 0;
    const base = this.opts.pollIntervalMs;
    this.pollDelay = busy ? base : Math.min(Math.max(base, IDLE_POLL_MAX_MS), this.pollDelay * 2);
    this.schedulePoll();
  }

  /** Coalesce wake-ups of one turn into one pump. */
  wake(): void {
    if (this.wakeQueued || this.stopped) return;
    this.wakeQueued = true;
    queueMicrotask(() => {
      this.wakeQueued = false;
      this.pump();
    });
  }

  /** Functions changed: release parked jobs whose function now exists. */
  functionsChanged(): void {
    if (this.parked.length === 0) return;
    const still: Job[] = [];
    for (const job of this.parked) {
      if (this.opts.hasFunction(job.functionId)) this.opts.store.release(job, this.now());
      else still.push(job);
    }
    this.parked = still;
  }

  private pump(): void {
    if (this.stopped) return;
    this.functionsChanged();
    const free = this.opts.concurrency - this.inflight;
    if (free > 0) {
      for (const job of this.opts.store.lease(this.opts.queue, free, this.now())) this.run(job);
    }
    this.armRetryTimer();
  }

  private run(job: Job): void {
    if (!this.opts.hasFunction(job.functionId)) {
      this.parked.push(job);
      return;
    }
    this.inflight++;
    this.lastFunctionId = job.functionId;
    this.opts.handle(job).then(
      () => this.settle(job, undefined),
      (err: unknown) => this.settle(job, err ?? new EngineError('E_INTERNAL', 'job failed')),
    );
  }

  private settle(job: Job, err: unknown): void {
    this.inflight--;
    const { store } = this.opts;
    if (err === undefined) store.ack(job);
    else {
      const now = this.now();
      const attemptsMade = job.attempts + 1;
      const text = errorText(err);
      if (attemptsMade >= job.maxAttempts) {
        this.opts.log.warn('job moved to the DLQ', { queue: job.queue, message_id: job.id, function_id: job.functionId, error: text });
        store.fail(job, text, now);
      } else store.retry(job, now + computeBackoff(job.backoff, attemptsMade), text);
    }
    this.wake();
  }

  /** Wake exactly when the next delayed job becomes due. */
  private armRetryTimer(): void {
    const next = this.opts.store.nextAvailableAt(this.opts.queue);
    if (next === undefined || next >= this.retryAt) return;
    clearTimeout(this.retryTimer);
    this.retryAt = next;
    this.retryTimer = setTimeout(
      () => {
        this.retryAt = Number.POSITIVE_INFINITY;
        this.wake();
      },
      Math.max(0, next - this.now()),
    );
    this.retryTimer.unref();
  }
}
