/** Pick the queue backend named by `adapter.name` (`builtin` and its aliases, `rabbitmq` or `redis`). */
import type { Logger } from '../../../util/logger.ts';
import { type QueueAdapterConfig, storePath } from '../config.ts';
import { BuiltinQueueBackend } from './builtin-backend.ts';
import type { FunctionPresence, QueueBackend } from './queue-backend.ts';
import { RabbitMqQueueBackend } from './rabbitmq/backend.ts';
import { RedisQueueBackend } from './redis/backend.ts';

export const DEFAULT_AMQP_URL = 'amqp://localhost:5672';
export const DEFAULT_REDIS_URL = 'redis://localhost:6379';

export interface BackendDeps {
  functions: FunctionPresence;
  log: Logger;
  dataDir: string;
  /** Resolve a path from config against the project dir. */
  resolvePath: (p: string) => string;
}

export function createBackend(adapter: QueueAdapterConfig, deps: BackendDeps): QueueBackend {
  const c = adapter.config ?? {};
  if (adapter.name === 'rabbitmq')
    return new RabbitMqQueueBackend({
      url: c.amqp_url ?? DEFAULT_AMQP_URL,
      publishTimeoutMs: c.publish_timeout_ms,
      prefetchCount: c.prefetch_count,
      functions: deps.functions,
      log: deps.log,
    });
  if (adapter.name === 'redis')
    return new RedisQueueBackend({
      url: c.redis_url ?? DEFAULT_REDIS_URL,
      prefix: c.key_prefix,
      leaseMs: c.lease_ms,
      commandTimeoutMs: c.command_timeout_ms,
      connectTimeoutMs: c.connect_timeout_ms,
      functions: deps.functions,
      log: deps.log,
    });
  return new BuiltinQueueBackend({
    path: storePath(adapter, deps.dataDir, deps.resolvePath),
    synchronous: c.synchronous ?? 'normal',
    functions: deps.functions,
    log: deps.log,
  });
}
