/**
 * One engine's consumer of one queue on Redis: claims up to `concurrency` jobs (scripts.ts `claim`), runs
 * each, and settles it only after the handler finished: ack on success; on failure a retry after the job's
 * backoff, or the DLQ once its attempt budget is spent.
 *
 * A claim is a lease, renewed while the job runs or waits; if this engine dies, the lease ends and any engine
 * claims the job again (at-least-once). A job whose function is not registered here yet (its worker is
 * reconnecting) is held, without spending an attempt, until it is. Dispatch is driven by the queue's notify
 * channel, finished jobs and retry timers; the poll timer is a safety net that also reclaims expired leases.
 */
import { randomUUID } from 'node:crypto';
import type { Redis } from 'ioredis';
import { z } from 'zod';
import type { Logger } from '../../../../util/logger.ts';
import { computeBackoff } from '../../backoff.ts';
import { errorText } from '../../consumer.ts';
import type { ConsumerSpec, Delivery, FunctionPresence } from '../queue-backend.ts';
import { runScript } from './scripts.ts';

/** A job as stored in `<base>:jobs` (written by backend.ts, read back here). */
export const storedJob = z.object({
  id: z.string(),
  queue: z.string(),
  functionId: z.string(),
  data: z.unknown(),
  maxAttempts: z.int().min(1),
  backoff: z.object({ type: z.enum(['fixed', 'exponential']), delay: z.number().min(0), jitter: z.number().optional() }),
  traceparent: z.string().optional(),
  baggage: z.string().optional(),
  enqueuedAt: z.number(),
});
export type StoredJob = z.infer<typeof storedJob>;

function parseStored(text: string): StoredJob | undefined {
  try {
    const parsed = storedJob.safeParse(JSON.parse(text));
    return parsed.success ? parsed.data : undefined;
  } catch {
    return undefined;
  }
}

interface Claimed {
  job: StoredJob;
  attempts: number;
}

export interface RedisConsumerDeps {
  /** Runs a command once Redis is reachable (waits for a reconnect up to the command timeout). */
  call<T>(fn: (redis: Redis) => Promise<T>): Promise<T>;
  base: string;
  functions: FunctionPresence;
  log: Logger;
  leaseMs: number;
}

/** The poll is only a safety net; Redis is asked at most this often when idle. */
const MIN_POLL_MS = 100;

export class RedisQueueConsumer {
  /** Ids this consumer has claimed (running or held). */
  private readonly claimed = new Set<string>();
  /** Held because their function is not registered here: woken by a presence change or a stop. */
  private readonly held = new Map<string, () => void>();
  private readonly token = randomUUID();
  private stopped = true;
  private closed = false;
  private pumping = false;
  private again = false;
  private pollTimer: NodeJS.Timeout | undefined;
  private renewTimer: NodeJS.Timeout | undefined;

  constructor(
    private spec: ConsumerSpec,
    private readonly deps: RedisConsumerDeps,
  ) {}

  start(): void {
    this.stopped = false;
    clearInterval(this.pollTimer);
    this.pollTimer = setInterval(() => this.wake(), Math.max(MIN_POLL_MS, this.spec.pollIntervalMs));
    this.pollTimer.unref();
    this.renewTimer ??= setInterval(() => void this.renew(), Math.max(50, Math.floor(this.deps.leaseMs / 3)));
    this.renewTimer.unref();
    this.wake();
  }

  update(spec: ConsumerSpec): void {
    this.spec = spec;
    this.start();
  }

  /** A job may be ready (notify channel, a retry came due). */
  wake(): void {
    if (this.stopped) return;
    if (this.pumping) {
      this.again = true;
      return;
    }
    void this.pump();
  }

  /** Stop claiming; running jobs finish and settle; held ones go back to the queue at once. */
  async stop(): Promise<void> {
    this.stopped = true;
    clearInterval(this.pollTimer);
    const held = [...this.held.keys()];
    for (const wake of this.held.values()) wake();
    this.held.clear();
    await this.release(held);
    if (this.claimed.size === 0) clearInterval(this.renewTimer);
  }

  /** The engine stops: every claimed job goes back to the queue now (as a broker requeues a closed channel's). */
  async close(): Promise<void> {
    this.closed = true;
    await this.stop();
    clearInterval(this.renewTimer);
    await this.release([...this.claimed]);
    this.claimed.clear();
  }

  private async pump(): Promise<void> {
    this.pumping = true;
    try {
      do {
        this.again = false;
        while (!this.stopped && this.claimed.size < this.spec.concurrency) {
          const free = this.spec.concurrency - this.claimed.size;
          const batch = await this.claim(free);
          for (const next of batch) {
            this.claimed.add(next.job.id);
            void this.execute(next);
          }
          if (batch.length < free) break;
        }
      } while (this.again && !this.stopped);
    } catch (err) {
      this.deps.log.warn('queue redis: claim failed; retrying on the next poll', { queue: this.deps.base, error: errorText(err) });
    } finally {
      this.pumping = false;
    }
  }

  /** Up to `limit` jobs in one round trip. */
  private async claim(limit: number): Promise<Claimed[]> {
    const { base, leaseMs } = this.deps;
    const reply = await this.deps.call((r) => runScript(r, 'claim', [base, Date.now(), leaseMs, this.token, limit]));
    const flat = Array.isArray(reply) ? (reply as string[]) : [];
    const out: Claimed[] = [];
    for (let i = 0; i + 2 < flat.length; i += 3) {
      const [text, attempts, id] = [flat[i] as string, flat[i + 1] as string, flat[i + 2] as string];
      const job = parseStored(text);
      if (job) {
        out.push({ job, attempts: Number(attempts) });
        continue;
      }
      // Not ours to run (written by something else): dead-letter it rather than loop on it.
      this.deps.log.error('queue redis: a stored job is malformed; moved to the DLQ', { queue: base, id });
      await this.deps.call((r) => runScript(r, 'deadLetter', [base, id, this.token, Date.now(), 'malformed job in Redis']));
    }
    return out;
  }

  private async execute({ job, attempts }: Claimed): Promise<void> {
    try {
      if (!(await this.functionPresent(job))) return;
      let failure: unknown;
      try {
        const delivery: Delivery = {
          id: job.id,
          queue: job.queue,
          functionId: job.functionId,
          data: job.data,
          traceparent: job.traceparent,
          baggage: job.baggage,
          attempts,
        };
        await this.spec.handle(delivery);
      } catch (err) {
        failure = err ?? new Error('job failed');
      }
      if (this.closed) return; // close() gave the job back; its outcome is not ours to record any more
      await this.settle(job, attempts, failure);
    } catch (err) {
      this.deps.log.warn('queue redis: a job could not be settled; it runs again once its lease ends', {
        queue: this.deps.base,
        id: job.id,
        error: errorText(err),
      });
    } finally {
      this.claimed.delete(job.id);
      if (this.stopped && this.claimed.size === 0) clearInterval(this.renewTimer);
      this.wake();
    }
  }

  private async settle(job: StoredJob, attempts: number, failure: unknown): Promise<void> {
    const { base } = this.deps;
    if (failure === undefined) {
      await this.deps.call((r) => runScript(r, 'ack', [base, job.id, this.token]));
      return;
    }
    const made = attempts + 1;
    if (made >= job.maxAttempts) {
      await this.deps.call((r) => runScript(r, 'deadLetter', [base, job.id, this.token, Date.now(), errorText(failure)]));
      return;
    }
    const delay = computeBackoff(job.backoff, made);
    await this.deps.call((r) => runScript(r, 'retry', [base, job.id, this.token, Date.now() + delay]));
    setTimeout(() => this.wake(), delay + 1).unref();
  }

  /** True once the function is registered here; false when the consumer stopped first (the job was released). */
  private async functionPresent(job: StoredJob): Promise<boolean> {
    const { functions } = this.deps;
    while (!functions.has(job.functionId)) {
      if (this.stopped) return false;
      await new Promise<void>((resolve) => {
        const off = functions.onChange(() => {
          off();
          this.held.delete(job.id);
          resolve();
        });
        this.held.set(job.id, () => {
          off();
          resolve();
        });
      });
    }
    return true;
  }

  private async release(ids: string[]): Promise<void> {
    if (ids.length === 0) return;
    for (const id of ids) this.claimed.delete(id);
    try {
      await this.deps.call((r) => runScript(r, 'release', [this.deps.base, this.token, ...ids]));
    } catch (err) {
      this.deps.log.warn('queue redis: jobs not released; they run again once their lease ends', { error: errorText(err) });
    }
  }

  private async renew(): Promise<void> {
    if (this.claimed.size === 0) return;
    const until = Date.now() + this.deps.leaseMs;
    try {
      await this.deps.call((r) => runScript(r, 'renew', [this.deps.base, until, this.token, ...this.claimed]));
    } catch (err) {
      this.deps.log.warn('queue redis: leases not renewed', { queue: this.deps.base, error: errorText(err) });
    }
  }
}
