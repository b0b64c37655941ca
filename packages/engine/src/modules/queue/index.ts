/**
 * `queue` (alias `iii-queue`): named function queues behind `TriggerAction.Enqueue` (provider
 * function `engine::queue::enqueue`), durable pub/sub (`iii::durable::publish` + trigger type
 * `durable:subscriber`), retries with backoff, a DLQ per queue, and inspection functions.
 * Storage is a `QueueStore` (built-in: SQLite under `<dataDir>/queue.db`, or `:memory:`).
 */
import { isAbsolute, resolve } from 'node:path';
import { formatIssues } from '../../core/config/schema.ts';
import { EngineError } from '../../core/errors/index.ts';
import type { EngineModule, ModuleContext, ModuleInstance } from '../module.ts';
import { SqliteQueueStore } from './adapters/sqlite-store.ts';
import { adminFunctions } from './admin.ts';
import { type NamedQueueConfig, type QueueConfig, queueConfigSchema, storePath, withDefaultQueue } from './config.ts';
import { ConsumerSet } from './consumers.ts';
import { DurableTopics, durableTriggerConfigSchema } from './durable.ts';
import { durablePublishFunction, enqueueFunction } from './functions.ts';
import type { Job } from './job.ts';

/** Config problems the schema cannot express (cross-field rules). */
function checkQueues(configs: Record<string, NamedQueueConfig>): void {
  const bad = Object.entries(configs).filter(([, c]) => c.type === 'fifo' && !c.message_group_field);
  if (bad.length > 0)
    throw new EngineError(
      'E_CONFIG_INVALID',
      bad.map(([name]) => `queue_configs.${name}.message_group_field: is required for type fifo`).join('\n'),
    );
}

function createQueue(ctx: ModuleContext, config: QueueConfig): ModuleInstance {
  checkQueues(config.queue_configs);
  const path = storePath(config.adapter, ctx.dataDir, (p) => (isAbsolute(p) ? p : resolve(ctx.projectDir, p)));
  const store = new SqliteQueueStore({ path, synchronous: config.adapter.config?.synchronous ?? 'normal' });
  const consumers = new ConsumerSet(store, ctx.engine, ctx.log);
  const durable = new DurableTopics(store, consumers, ctx.engine, ctx.log);
  let named = new Map(Object.entries(withDefaultQueue(config.queue_configs)));
  let adapterKey = JSON.stringify(config.adapter);
  const namedQueues = (): ReadonlyMap<string, NamedQueueConfig> => named;

  const runNamed = (job: Job): Promise<void> =>
    ctx.engine.invoke(job.functionId, job.data, { traceparent: job.traceparent, baggage: job.baggage }).then(() => undefined);
  const applyNamed = (next: Map<string, NamedQueueConfig>): void => {
    for (const name of named.keys()) if (!next.has(name)) consumers.drop(name);
    named = next;
    for (const [name, cfg] of named)
      consumers.ensure(name, { concurrency: cfg.concurrency, pollIntervalMs: cfg.poll_interval_ms, handle: runNamed });
  };

  ctx.engine.registerFunction(enqueueFunction(store, namedQueues));
  ctx.engine.registerFunction(durablePublishFunction(durable));
  for (const fn of adminFunctions({ store, durable, namedQueues })) ctx.engine.registerFunction(fn);
  ctx.engine.registerTriggerType({
    id: 'durable:subscriber',
    description: 'Invoke the function with every message published to a topic with iii::durable::publish (retried, at-least-once)',
    configuration_schema: durableTriggerConfigSchema.toJSONSchema(),
    register: (t) => durable.register(t),
    unregister: (t) => durable.unregister(t),
  });
  ctx.log.info('queue store ready', { path, queues: [...named.keys()] });

  return {
    start: () => applyNamed(named),
    async stop() {
      consumers.stopAll();
      await store.close();
    },
    reconfigure(raw) {
      const parsed = queueConfigSchema.parse(raw);
      if (!parsed.ok) throw new EngineError('E_CONFIG_INVALID', formatIssues(parsed.issues));
      checkQueues(parsed.value.queue_configs);
      applyNamed(new Map(Object.entries(withDefaultQueue(parsed.value.queue_configs))));
      const nextAdapter = JSON.stringify(parsed.value.adapter);
      if (nextAdapter !== adapterKey) ctx.log.warn('queue adapter change applies at the next restart');
      adapterKey = nextAdapter;
    },
  };
}

export const queueModule: EngineModule<QueueConfig> = {
  name: 'queue',
  aliases: ['iii-queue'],
  displayName: 'Queue',
  description: 'Named function queues, durable pub/sub, retries with backoff and dead-letter queues',
  configSchema: queueConfigSchema,
  create: createQueue,
};
