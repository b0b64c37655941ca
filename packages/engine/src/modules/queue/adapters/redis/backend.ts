/**
 * The `redis` queue backend: queues, retries, FIFO groups and the DLQ in Redis, shared by every engine
 * pointing at it (`adapter: { name: redis, config: { redis_url, key_prefix?, lease_ms? } }`). Each state
 * change is one Lua script (scripts.ts), so engines never see half a move; an enqueue resolves once Redis has
 * the job (with `appendonly yes` it survives a Redis restart, as RabbitMQ's durable queues do).
 *
 * Delivery is at-least-once: a job is acked only after its handler returned, and a job whose engine died
 * mid-way is claimed again by any engine once its lease (`lease_ms`, renewed while it runs) has ended.
 */
import type { Redis } from 'ioredis';
import { z } from 'zod';
import { EngineError } from '../../../../core/errors/index.ts';
import { RedisLink } from '../../../../kv/adapters/redis/redis-link.ts';
import type { Logger } from '../../../../util/logger.ts';
import { redactUrl } from '../../../../util/redact-url.ts';
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
import { RedisQueueConsumer, type StoredJob } from './consumer.ts';
import { queueBase, topicSubscribers } from './keys.ts';
import { runScript } from './scripts.ts';

export interface RedisQueueBackendOptions {
  url: string;
  /** Prepended to every key and channel (several apps, or test runs, on one Redis). @default '' */
  prefix?: string | undefined;
  /** How long a claim lasts without renewal: a dead engine's jobs run again after this. @default 30000 */
  leaseMs?: number | undefined;
  /** A call waits this long for an unreachable Redis, then fails with E_QUEUE_REDIS_UNAVAILABLE. @default 5000 */
  commandTimeoutMs?: number | undefined;
  /** @default 5000 */
  connectTimeoutMs?: number | undefined;
  functions: FunctionPresence;
  log: Logger;
}

/** Parked topic messages are never consumed; these only fill the job's required fields. */
const PARKED_POLICY = { maxAttempts: 3, backoff: { type: 'exponential', delay: 1000 } } as const;

const subscriberPolicy = z.object({
  maxAttempts: z.int().min(1),
  backoff: z.object({ type: z.enum(['fixed', 'exponential']), delay: z.number().min(0), jitter: z.number().optional() }),
});
const deadEntry = z.object({ job: z.string(), error: z.string(), failed_at: z.coerce.number(), attempts: z.number() });

export class RedisQueueBackend implements QueueBackend {
  readonly kind = 'redis';
  readonly location: string;
  private link: RedisLink | undefined;
  private subscriber: RedisLink | undefined;
  private readonly prefix: string;
  private readonly consumers = new Map<string, RedisQueueConsumer>();
  /** Queues this engine used, by base key (for dlqQueues / pendingCount). */
  private readonly known = new Map<string, QueueRef>();

  constructor(private readonly opts: RedisQueueBackendOptions) {
    this.location = redactUrl(opts.url);
    this.prefix = opts.prefix ?? '';
  }

  async start(): Promise<void> {
    const common = {
      url: this.opts.url,
      service: 'queue',
      connectErrorCode: 'E_QUEUE_REDIS_CONNECT',
      connectTimeoutMs: this.opts.connectTimeoutMs ?? 5000,
    };
    this.link = await RedisLink.open({ ...common, commandTimeoutMs: this.opts.commandTimeoutMs ?? 5000, name: 'triad-queue' });
    try {
      // Subscriber mode blocks other commands on a connection: the notify channels get their own.
      this.subscriber = await RedisLink.open({ ...common, commandTimeoutMs: 0, name: 'triad-queue-notify' });
    } catch (err) {
      await this.link.close(false);
      throw err;
    }
    this.subscriber.redis.on('message', (channel: string) => this.consumers.get(channel.slice(0, -':notify'.length))?.wake());
  }

  async consume(ref: QueueRef, spec: ConsumerSpec): Promise<void> {
    const base = this.remember(ref);
    if (ref.kind === 'subscription') {
      const policy = JSON.stringify({ maxAttempts: spec.maxAttempts, backoff: spec.backoff });
      await this.call((r) => r.hset(topicSubscribers(this.prefix, ref.topic), ref.functionId, policy));
    }
    const running = this.consumers.get(base);
    if (running) return running.update(spec);
    const consumer = new RedisQueueConsumer(spec, {
      call: (fn) => this.call(fn),
      base,
      functions: this.opts.functions,
      log: this.opts.log,
      leaseMs: this.opts.leaseMs ?? 30_000,
    });
    this.consumers.set(base, consumer);
    await this.subscriber?.redis.subscribe(`${base}:notify`);
    consumer.start();
  }

  async stopConsuming(ref: QueueRef): Promise<void> {
    const base = queueBase(this.prefix, ref);
    const consumer = this.consumers.get(base);
    if (!consumer) return;
    this.consumers.delete(base);
    await consumer.stop();
    await this.subscriber?.redis.unsubscribe(`${base}:notify`).catch(() => undefined);
  }

  async enqueue(job: NewNamedJob): Promise<void> {
    const { priority: _ignored, groupKey, ...rest } = job;
    await this.add({ kind: 'named', name: job.queue }, rest, groupKey);
  }

  async publish(topic: string, message: { id: string; data: unknown; traceparent?: string; baggage?: string }): Promise<void> {
    const subs = await this.call((r) => r.hgetall(topicSubscribers(this.prefix, topic)));
    const entries = Object.entries(subs);
    if (entries.length === 0) {
      await this.add({ kind: 'parked', topic }, { ...message, queue: topic, functionId: '', ...PARKED_POLICY });
      return;
    }
    await Promise.all(
      entries.map(([functionId, text]) => {
        const ref: QueueRef = { kind: 'subscription', topic, functionId };
        const policy = subscriberPolicy.safeParse(JSON.parse(text));
        const { maxAttempts, backoff } = policy.success ? policy.data : PARKED_POLICY;
        return this.add(ref, { ...message, queue: displayName(ref), functionId, maxAttempts, backoff });
      }),
    );
  }

  async depth(ref: QueueRef): Promise<QueueDepth> {
    const [jobs, delayed, active] = (await this.script(ref, 'depth', [])) as number[];
    return { waiting: Math.max(0, (jobs ?? 0) - (delayed ?? 0) - (active ?? 0)), delayed: delayed ?? 0, active: active ?? 0 };
  }

  dlqCount(ref: QueueRef): Promise<number> {
    return this.call((r) => r.zcard(`${queueBase(this.prefix, ref)}:dlq`));
  }

  async dlqList(ref: QueueRef, offset: number, limit: number): Promise<DlqMessage[]> {
    if (limit <= 0) return [];
    const base = queueBase(this.prefix, ref);
    const ids = await this.call((r) => r.zrange(`${base}:dlq`, offset, offset + limit - 1));
    if (ids.length === 0) return [];
    const texts = await this.call((r) => r.hmget(`${base}:dead`, ...ids));
    return ids.flatMap((id, i) => {
      const dead = deadEntry.safeParse(JSON.parse(texts[i] ?? 'null'));
      if (!dead.success) return [];
      const job = JSON.parse(dead.data.job) as Pick<StoredJob, 'data' | 'functionId'>;
      return [
        {
          id,
          payload: job.data,
          error: dead.data.error,
          failed_at: dead.data.failed_at,
          function_id: job.functionId,
          attempts: dead.data.attempts,
        },
      ];
    });
  }

  async dlqQueues(): Promise<Array<{ queue: string; count: number }>> {
    const out: Array<{ queue: string; count: number }> = [];
    for (const ref of this.known.values()) {
      const count = await this.dlqCount(ref);
      if (count > 0) out.push({ queue: displayName(ref), count });
    }
    return out;
  }

  async redrive(ref: QueueRef): Promise<number> {
    return Number(await this.script(ref, 'redrive', ['']));
  }

  async redriveMessage(ref: QueueRef, messageId: string): Promise<0 | 1> {
    return Number(await this.script(ref, 'redrive', [messageId])) > 0 ? 1 : 0;
  }

  async discardMessage(ref: QueueRef, messageId: string): Promise<0 | 1> {
    const base = queueBase(this.prefix, ref);
    const removed = await this.call(async (r) => {
      const [[, n] = []] = (await r.multi().zrem(`${base}:dlq`, messageId).hdel(`${base}:dead`, messageId).exec()) ?? [];
      return Number(n);
    });
    return removed > 0 ? 1 : 0;
  }

  async pendingCount(): Promise<number> {
    let n = 0;
    for (const ref of this.known.values()) n += await this.call((r) => r.hlen(`${queueBase(this.prefix, ref)}:jobs`));
    return n;
  }

  async close(): Promise<void> {
    const consumers = [...this.consumers.values()];
    this.consumers.clear();
    await Promise.allSettled(consumers.map((c) => c.close()));
    await Promise.allSettled([this.link?.close(), this.subscriber?.close(false)]);
  }

  private remember(ref: QueueRef): string {
    const base = queueBase(this.prefix, ref);
    this.known.set(base, ref);
    return base;
  }

  private async add(ref: QueueRef, job: Omit<StoredJob, 'enqueuedAt'>, groupKey?: string): Promise<void> {
    const stored: StoredJob = { ...job, enqueuedAt: Date.now() };
    await this.script(ref, 'enqueue', [job.id, JSON.stringify(stored), groupKey ?? '']);
  }

  private script(ref: QueueRef, name: Parameters<typeof runScript>[1], args: readonly (string | number)[]): Promise<unknown> {
    const base = this.remember(ref);
    return this.call((r) => runScript(r, name, [base, ...args]));
  }

  /**
   * One Redis call; an outage becomes E_QUEUE_REDIS_UNAVAILABLE naming the URL: no link within the command
   * timeout, or a command cut off by a dropped connection. An error Redis itself replied with is a bug, kept as is.
   */
  private async call<T>(fn: (redis: Redis) => Promise<T>): Promise<T> {
    const link = this.link;
    if (!link) throw new EngineError('E_QUEUE_STORE_CLOSED', 'queue redis: the backend is not started');
    try {
      return await link.run(fn);
    } catch (err) {
      if (err instanceof Error && err.name === 'ReplyError') throw err;
      throw new EngineError('E_QUEUE_REDIS_UNAVAILABLE', `queue: Redis at ${link.url} is unavailable: ${(err as Error).message}`, {
        cause: err,
      });
    }
  }
}
