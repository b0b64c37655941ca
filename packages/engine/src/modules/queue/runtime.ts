/**
 * One generation of the queue worker: a backend (builtin store or broker), durable topics, and the functions and
 * trigger type registered against them. An adapter change builds a new generation and drops the old
 * one (dropping the trigger type parks `durable:subscriber` triggers; registering it again in the new
 * generation re-activates them), so the surface stays the same while the storage is swapped.
 */
import { isAbsolute, resolve } from 'node:path';
import { toJsonSchema } from '../../core/config/schema.ts';
import type { Disposer, ModuleContext } from '../module.ts';
import { createBackend } from './adapters/index.ts';
import type { ConsumerSpec, Delivery, QueueBackend } from './adapters/queue-backend.ts';
import { adminFunctions } from './admin.ts';
import type { NamedQueueConfig, QueueAdapterConfig } from './config.ts';
import { DurableTopics, durableTriggerConfigSchema } from './durable.ts';
import { durablePublishFunction, enqueueFunction } from './functions.ts';

export class QueueRuntime {
  private readonly durable: DurableTopics;
  private readonly disposers: Disposer[] = [];
  private named = new Map<string, NamedQueueConfig>();

  private constructor(
    private readonly ctx: ModuleContext,
    readonly backend: QueueBackend,
  ) {
    this.durable = new DurableTopics(backend, ctx.engine, ctx.log);
  }

  /** Build and start the adapter's backend (connects to the broker, opens the file). */
  static async open(ctx: ModuleContext, adapter: QueueAdapterConfig): Promise<QueueRuntime> {
    const backend = createBackend(adapter, {
      functions: { has: (id) => ctx.engine.hasFunction(id), onChange: (fn) => ctx.engine.on('functions:changed', fn) },
      log: ctx.log,
      dataDir: ctx.dataDir,
      resolvePath: (p) => (isAbsolute(p) ? p : resolve(ctx.projectDir, p)),
    });
    await backend.start();
    return new QueueRuntime(ctx, backend);
  }

  get location(): string {
    return this.backend.location;
  }

  /** Register the functions and the `durable:subscriber` trigger type (last writer wins for function ids). */
  register(): void {
    const { engine } = this.ctx;
    const namedQueues = (): ReadonlyMap<string, NamedQueueConfig> => this.named;
    const fns = [enqueueFunction(this.backend, namedQueues), durablePublishFunction(this.durable)];
    fns.push(...adminFunctions({ backend: this.backend, durable: this.durable, namedQueues }));
    for (const fn of fns) this.disposers.push(engine.registerFunction(fn));
    this.disposers.push(
      engine.registerTriggerType({
        id: 'durable:subscriber',
        description: 'Invoke the function with every message published to a topic with iii::durable::publish (retried, at-least-once)',
        configuration_schema: toJsonSchema(durableTriggerConfigSchema),
        register: (t) => this.durable.register(t),
        unregister: (t) => this.durable.unregister(t),
      }),
    );
  }

  /** Start, update or stop named-queue consumers to match `next`. */
  async applyNamed(next: Map<string, NamedQueueConfig>): Promise<void> {
    const dropped = [...this.named.keys()].filter((name) => !next.has(name));
    this.named = next;
    for (const name of dropped) await this.backend.stopConsuming({ kind: 'named', name });
    const handle = (job: Delivery): Promise<void> => this.runNamed(job);
    for (const [name, cfg] of next) await this.backend.consume({ kind: 'named', name }, namedSpec(cfg, handle));
  }

  /** Stop consuming and unregister; running jobs that settle later are re-delivered from the backend. */
  async close(): Promise<void> {
    for (const d of this.disposers.splice(0)) d();
    await this.backend.close();
  }

  private async runNamed(job: Delivery): Promise<void> {
    await this.ctx.engine.invoke(job.functionId, job.data, { traceparent: job.traceparent, baggage: job.baggage });
  }
}

function namedSpec(cfg: NamedQueueConfig, handle: ConsumerSpec['handle']): ConsumerSpec {
  return {
    concurrency: cfg.concurrency,
    pollIntervalMs: cfg.poll_interval_ms,
    maxAttempts: cfg.max_retries,
    backoff: { type: cfg.backoff_type, delay: cfg.backoff_ms, jitter: cfg.backoff_jitter },
    fifo: cfg.type === 'fifo',
    maxPriority: cfg.max_priority,
    handle,
  };
}
