/**
 * `queue` (alias `iii-queue`): named function queues behind `TriggerAction.Enqueue` (provider
 * function `engine::queue::enqueue`), durable pub/sub (`iii::durable::publish` + trigger type
 * `durable:subscriber`), retries with backoff, a DLQ per queue, and inspection functions.
 * Storage is a `QueueBackend`: `builtin` (SQLite under `<dataDir>/queue.db`, or `:memory:`) or
 * `rabbitmq` (queues shared by several engines).
 */
import { check, formatIssues } from '../../core/config/schema.ts';
import { EngineError } from '../../core/errors/index.ts';
import type { EngineModule, ModuleContext, ModuleInstance } from '../module.ts';
import { queueBacklog } from './backlog.ts';
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

async function createQueue(ctx: ModuleContext, config: QueueConfig): Promise<ModuleInstance> {
  let named = namedQueuesOf(config);
  let current = config;
  let rt = await QueueRuntime.open(ctx, config.adapter);
  rt.register();
  ctx.log.info('queue backend ready', { adapter: rt.backend.kind, location: rt.location, queues: [...named.keys()] });
  const withdrawBacklog = ctx.engine.services.provide(
    'queue-backlog',
    queueBacklog(ctx.engine, () => rt.backend),
  );

  /**
   * Hot-swap the backend. Two builtin stores may be the same file, so the old one is closed first and
   * brought back if the new one cannot be opened. With a broker (RabbitMQ, Redis) on either side the new
   * backend is opened (connected) first: an unreachable broker leaves the running adapter untouched.
   */
  const swap = async (prev: QueueConfig, next: QueueConfig): Promise<void> => {
    const left = await rt.backend.pendingCount();
    const previous = rt.location;
    const shared = (name: string) => name === 'rabbitmq' || name === 'redis';
    if (shared(prev.adapter.name) || shared(next.adapter.name)) {
      const opened = await QueueRuntime.open(ctx, next.adapter);
      await rt.close();
      rt = opened;
      rt.register();
      await rt.applyNamed(named);
    } else {
      await rt.close();
      try {
        rt = await QueueRuntime.open(ctx, next.adapter);
      } catch (err) {
        rt = await QueueRuntime.open(ctx, prev.adapter);
        throw err;
      } finally {
        rt.register();
        await rt.applyNamed(named);
      }
    }
    if (left > 0 && previous !== rt.location) ctx.log.warn(`queue adapter swapped; ${left} unfinished job(s) stay in ${previous}`);
    ctx.log.info('queue backend ready', { adapter: rt.backend.kind, location: rt.location });
  };

  return {
    start: () => rt.applyNamed(named),
    stop: () => {
      withdrawBacklog();
      return rt.close();
    },
    async reconfigure(raw) {
      const parsed = check(queueConfigSchema, raw);
      if (!parsed.ok) throw new EngineError('E_CONFIG_INVALID', formatIssues(parsed.issues));
      const next = parsed.value;
      named = namedQueuesOf(next);
      if (JSON.stringify(current.adapter) !== JSON.stringify(next.adapter)) await swap(current, next);
      else await rt.applyNamed(named);
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
