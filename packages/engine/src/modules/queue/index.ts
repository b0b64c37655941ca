/**
 * `queue` (alias `iii-queue`): named function queues behind `TriggerAction.Enqueue` (provider
 * function `engine::queue::enqueue`), durable pub/sub (`iii::durable::publish` + trigger type
 * `durable:subscriber`), retries with backoff, a DLQ per queue, and inspection functions.
 * Storage is a `QueueStore` (built-in: SQLite under `<dataDir>/queue.db`, or `:memory:`).
 */
import { formatIssues } from '../../core/config/schema.ts';
import { EngineError } from '../../core/errors/index.ts';
import type { EngineModule, ModuleContext, ModuleInstance } from '../module.ts';
import { type NamedQueueConfig, type QueueConfig, queueConfigSchema, withDefaultQueue } from './config.ts';
import { QueueRuntime } from './runtime.ts';

/** Config problems the schema cannot express (cross-field rules). */
function namedQueuesOf(config: QueueConfig): Map<string, NamedQueueConfig> {
  const bad = Object.entries(config.queue_configs).filter(([, c]) => c.type === 'fifo' && !c.message_group_field);
  if (bad.length > 0)
    throw new EngineError(
      'E_CONFIG_INVALID',
      bad.map(([name]) => `queue_configs.${name}.message_group_field: is required for type fifo`).join('\n'),
    );
  return new Map(Object.entries(withDefaultQueue(config.queue_configs)));
}

function createQueue(ctx: ModuleContext, config: QueueConfig): ModuleInstance {
  let named = namedQueuesOf(config);
  let current = config;
  let rt = new QueueRuntime(ctx, config.adapter);
  rt.register();
  ctx.log.info('queue store ready', { path: rt.path, queues: [...named.keys()] });

  /**
   * Hot-swap the storage. The old store is closed first (both may be the same file); if the new one
   * cannot be opened, the previous adapter is brought back and the error reported.
   */
  const swap = async (prev: QueueConfig, next: QueueConfig): Promise<void> => {
    const left = rt.pendingCount();
    const previousPath = rt.path;
    await rt.close();
    try {
      rt = new QueueRuntime(ctx, next.adapter);
    } catch (err) {
      rt = new QueueRuntime(ctx, prev.adapter);
      throw err;
    } finally {
      rt.register();
      rt.applyNamed(named);
    }
    if (left > 0 && previousPath !== rt.path) ctx.log.warn(`queue adapter swapped; ${left} unfinished job(s) stay in ${previousPath}`);
    ctx.log.info('queue store ready', { path: rt.path });
  };

  return {
    start: () => rt.applyNamed(named),
    stop: () => rt.close(),
    async reconfigure(raw) {
      const parsed = queueConfigSchema.parse(raw);
      if (!parsed.ok) throw new EngineError('E_CONFIG_INVALID', formatIssues(parsed.issues));
      const next = parsed.value;
      named = namedQueuesOf(next);
      if (JSON.stringify(current.adapter) !== JSON.stringify(next.adapter)) await swap(current, next);
      else rt.applyNamed(named);
      current = next;
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
