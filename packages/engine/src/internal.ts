/**
 * `@triad/engine/internal`: the narrow door for this repo's own conformance suites, end-to-end tests
 * and benches, which drive module parts (adapters, the cron clock, the config parser) directly.
 * Not a stable API: embedders and modules use `@triad/engine` (index.ts).
 */
export { BridgeLink } from './bridge-link/index.ts';
export { parseConfigText } from './core/config/config-file.ts';
export { parseInput } from './core/input.ts';
export { type KvBackend, type KvChange, type KvStore, type KvWriteChange, openKv, openKvBackend } from './kv/index.ts';
export { builtinModules } from './modules/builtins.ts';
export type { CronLock } from './modules/cron/adapters/cron-lock.ts';
export { createKvLock } from './modules/cron/adapters/kv.ts';
export { createRedisLock } from './modules/cron/adapters/redis.ts';
export { cronConfigSchema } from './modules/cron/config.ts';
export { type CronSchedule, nextAfter, parseCron } from './modules/cron/expression.ts';
export { CronJobs } from './modules/cron/jobs.ts';
export { createDriver } from './modules/database/adapters/index.ts';
export type { SqlDialect, SqlDriver } from './modules/database/adapters/sql-driver.ts';
export { Lane as SqliteLane } from './modules/database/adapters/sqlite/lane.ts';
export { DEFAULT_POOL, parseDatabaseConfig } from './modules/database/config.ts';
export { databaseFunctions } from './modules/database/functions.ts';
export { DatabasePools } from './modules/database/pools.ts';
export { createLocalAdapter } from './modules/pubsub/adapters/local.ts';
export type { PubSubAdapter } from './modules/pubsub/adapters/pubsub-adapter.ts';
export { createRedisAdapter } from './modules/pubsub/adapters/redis.ts';
export { BuiltinQueueBackend } from './modules/queue/adapters/builtin-backend.ts';
export type {
  ConsumerSpec,
  Delivery,
  FunctionPresence,
  QueueBackend,
  QueueRef,
} from './modules/queue/adapters/queue-backend.ts';
export type { QueueStore } from './modules/queue/adapters/queue-store.ts';
export { RabbitMqQueueBackend } from './modules/queue/adapters/rabbitmq/backend.ts';
export { allQueues } from './modules/queue/adapters/rabbitmq/topology.ts';
export { RedisQueueBackend } from './modules/queue/adapters/redis/backend.ts';
export { SqliteQueueStore } from './modules/queue/adapters/sqlite/sqlite-store.ts';
export type { NewJob } from './modules/queue/job.ts';
export { getInput as stateGetInput } from './modules/state/config.ts';
