/**
 * One generation of the queue worker: a store, its consumers, durable topics, and the functions and
 * trigger type registered against them. An adapter change builds a new generation and drops the old
 * one (dropping the trigger type parks `durable:subscriber` triggers; registering it again in the new
 * generation re-activates them), so the surface stays the same while the storage is swapped.
 */
import { isAbsolute, resolve } from 'node:path';
import type { Disposer, ModuleContext } from '../module.ts';
import type { QueueStore } from './adapters/queue-store.ts';
import { SqliteQueueStore } from './adapters/sqlite/sqlite-store.ts';
import { adminFunctions } from './admin.ts';
import { type NamedQueueConfig, type QueueAdapterConfig, storePath } from './config.ts';
import { ConsumerSet } from './consumers.ts';
import { DurableTopics, durableTriggerConfigSchema } from './durable.ts';
import { durablePublishFunction, enqueueFunction } from './functions.ts';
import type { Job } from './job.ts';

export class QueueRuntime {
  readonly store: QueueStore;
  readonly path: string;
  private readonly consumers: ConsumerSet;
  private readonly durable: DurableTopics;
  private readonly disposers: Disposer[] = [];
  private named = new Map<string, NamedQueueConfig>();

  constructor(
    private readonly ctx: ModuleContext,
    adapter: QueueAdapterConfig,
  ) {
    this.path = storePath(adapter, ctx.dataDir, (p) => (isAbsolute(p) ? p : resolve(ctx.projectDir, p)));
    this.store = new SqliteQueueStore({ path: this.path, synchronous: adapter.config?.synchronous ?? 'normal' });
    this.consumers = new ConsumerSet(this.store, ctx.engine, ctx.log);
    this.durable = new DurableTopics(this.store, this.consumers, ctx.engine, ctx.log);
  }

  /** Register the functions and the `durable:subscriber` trigger type (last writer wins for function ids). */
  register(): void {
    const { engine } = this.ctx;
    const namedQueues = (): ReadonlyMap<string, NamedQueueConfig> => this.named;
    const fns = [enqueueFunction(this.store, namedQueues), durablePublishFunction(this.durable)];
    fns.push(...adminFunctions({ store: this.store, durable: this.durable, namedQueues }));
    for (const fn of fns) this.disposers.push(engine.registerFunction(fn));
    this.disposers.push(
      engine.registerTriggerType({
        id: 'durable:subscriber',
        description: 'Invoke the function with every message published to a topic with iii::durable::publish (retried, at-least-once)',
        configuration_schema: durableTriggerConfigSchema.toJSONSchema(),
        register: (t) => this.durable.register(t),
        unregister: (t) => this.durable.unregister(t),
      }),
    );
  }

  /** Start, update or stop named-queue consumers to match `next`. */
  applyNamed(next: Map<string, NamedQueueConfig>): void {
    for (const name of this.named.keys()) if (!next.has(name)) this.consumers.drop(name);
    this.named = next;
    const handle = (job: Job): Promise<void> => this.runNamed(job);
    for (const [name, cfg] of next)
      this.consumers.ensure(name, { concurrency: cfg.concurrency, pollIntervalMs: cfg.poll_interval_ms, handle });
  }

  /** Stop consuming and unregister; running jobs that settle later are re-delivered from this store. */
  async close(): Promise<void> {
    for (const d of this.disposers.splice(0)) d();
    this.consumers.stopAll();
    await this.store.close();
  }

  /** Jobs not yet done (waiting, delayed or running), across all queues. */
  pendingCount(): number {
    return this.store.queues().reduce((n, q) => {
      const d = this.store.depth(q);
      return n + d.waiting + d.delayed + d.active;
    }, 0);
  }

  private async runNamed(job: Job): Promise<void> {
    await this.ctx.engine.invoke(job.functionId, job.data, { traceparent: job.traceparent, baggage: job.baggage });
  }
}
