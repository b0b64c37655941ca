/** Pick the queue backend named by `adapter.name` (`builtin` and its aliases, or `rabbitmq`). */
import type { Logger } from '../../../util/logger.ts';
import type { EngineApi } from '../../module.ts';
import { type QueueAdapterConfig, storePath } from '../config.ts';
import { BuiltinQueueBackend } from './builtin-backend.ts';
import type { QueueBackend } from './queue-backend.ts';

export interface BackendDeps {
  engine: EngineApi;
  log: Logger;
  dataDir: string;
  /** Resolve a path from config against the project dir. */
  resolvePath: (p: string) => string;
}

export function createBackend(adapter: QueueAdapterConfig, deps: BackendDeps): QueueBackend {
  return new BuiltinQueueBackend({
    path: storePath(adapter, deps.dataDir, deps.resolvePath),
    synchronous: adapter.config?.synchronous ?? 'normal',
    engine: deps.engine,
    log: deps.log,
  });
}
