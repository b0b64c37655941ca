/** `config/queue.yaml` (id `queue`): named queues and the storage adapter. */
import { z } from 'zod';
import { check, formatIssues, type Schema } from '../../core/config/schema.ts';
import { EngineError } from '../../core/errors/index.ts';
import { BACKOFF_TYPES, type BackoffType } from './backoff.ts';

export interface NamedQueueConfig {
  /** @default 'standard' */
  type: 'standard' | 'fifo';
  /** Total attempts before the DLQ (named queues count the first attempt). @default 3 */
  max_retries: number;
  /** Jobs in flight at once (fifo: at most one per message group). @default 10 */
  concurrency: number;
  /** Required for fifo: the `data` field whose value names the message group. */
  message_group_field?: string | undefined;
  /** Base retry delay. @default 1000 */
  backoff_ms: number;
  /** Triad extension: retry strategy name. @default 'exponential' */
  backoff_type: BackoffType;
  /** Triad extension: 0..1 spread of retry delays. @default 0 */
  backoff_jitter: number;
  /** Safety re-check interval when idle (dispatch is event driven). @default 100 */
  poll_interval_ms: number;
  /** RabbitMQ only; accepted so reference configs validate. */
  max_priority?: number | undefined;
  priority_field?: string | undefined;
}

export const namedQueueSchema: Schema<NamedQueueConfig> = z.strictObject({
  type: z.enum(['standard', 'fifo'] as const).default('standard'),
  max_retries: z.int().min(1).default(3),
  concurrency: z.int().min(1).default(10),
  message_group_field: z.string().min(1).optional(),
  backoff_ms: z.int().min(0).default(1000),
  backoff_type: z.enum(BACKOFF_TYPES).default('exponential'),
  backoff_jitter: z.number().min(0).max(1).default(0),
  poll_interval_ms: z.int().min(1).default(100),
  max_priority: z.int().optional(),
  priority_field: z.string().optional(),
});

export type AdapterName = 'builtin' | 'in_memory' | 'file_based' | 'rabbitmq' | 'redis';

export interface QueueAdapterConfig {
  name: AdapterName;
  config?:
    | {
        store_method?: 'in_memory' | 'file_based' | undefined;
        /** SQLite file, relative to the project dir. @default `<dataDir>/queue.db` */
        file_path?: string | undefined;
        /** Accepted for reference compatibility; writes are group-committed every event-loop turn instead. */
        save_interval_ms?: number | undefined;
        /** Triad extension: `full` also fsyncs every group commit (survives power loss). @default 'normal' */
        synchronous?: 'normal' | 'full' | undefined;
        /** rabbitmq: broker URL. @default 'amqp://localhost:5672' */
        amqp_url?: string | undefined;
        /** rabbitmq: accepted for reference configs; retry budgets come from each queue's config. */
        max_attempts?: number | undefined;
        /** rabbitmq: messages a consumer holds (unacked, waiting) beyond its concurrency. @default 10 */
        prefetch_count?: number | undefined;
        /** rabbitmq: accepted for reference configs; each queue's `type` decides. */
        queue_mode?: string | undefined;
        priority_field?: string | undefined;
        /** rabbitmq: how long an enqueue waits for the broker (outage, reconnect) before failing. @default 5000 */
        publish_timeout_ms?: number | undefined;
        /** redis: server URL. @default 'redis://localhost:6379' */
        redis_url?: string | undefined;
        /** redis: prepended to every key and channel. @default '' */
        key_prefix?: string | undefined;
        /** redis: how long a claim lasts unrenewed; a dead engine's jobs run again after it. @default 30000 */
        lease_ms?: number | undefined;
        /** redis: how long a call waits for an unreachable Redis before E_QUEUE_REDIS_UNAVAILABLE. @default 5000 */
        command_timeout_ms?: number | undefined;
        /** redis: how long start waits to connect before E_QUEUE_REDIS_CONNECT. @default 5000 */
        connect_timeout_ms?: number | undefined;
      }
    | undefined;
}

export interface QueueConfig {
  queue_configs: Record<string, NamedQueueConfig>;
  adapter: QueueAdapterConfig;
}

export const queueConfigSchema: Schema<QueueConfig> = z.strictObject({
  queue_configs: z.record(z.string(), namedQueueSchema).default({}),
  adapter: z
    .strictObject({
      name: z.enum(['builtin', 'in_memory', 'file_based', 'rabbitmq', 'redis'] as const).default('builtin'),
      config: z
        .strictObject({
          store_method: z.enum(['in_memory', 'file_based'] as const).optional(),
          file_path: z.string().min(1).optional(),
          save_interval_ms: z.int().min(0).optional(),
          synchronous: z.enum(['normal', 'full'] as const).optional(),
          amqp_url: z.string().min(1).optional(),
          max_attempts: z.int().min(1).optional(),
          prefetch_count: z.int().min(1).optional(),
          queue_mode: z.string().optional(),
          priority_field: z.string().optional(),
          publish_timeout_ms: z.int().min(0).optional(),
          redis_url: z.string().min(1).optional(),
          key_prefix: z.string().optional(),
          lease_ms: z.int().min(100).optional(),
          command_timeout_ms: z.int().min(0).optional(),
          connect_timeout_ms: z.int().min(1).optional(),
        })
        .optional(),
    })
    .default({ name: 'builtin', config: undefined }),
});

/** Named queue `default` always exists, with the defaults. */
export function withDefaultQueue(configs: Record<string, NamedQueueConfig>): Record<string, NamedQueueConfig> {
  if (configs.default) return configs;
  const parsed = check(namedQueueSchema, {});
  if (!parsed.ok) throw new EngineError('E_INTERNAL', formatIssues(parsed.issues));
  return { default: parsed.value, ...configs };
}

/** Resolve where the store lives: `:memory:` or a file. */
export function storePath(adapter: QueueAdapterConfig, dataDir: string, resolve: (p: string) => string): string {
  const method = adapter.config?.store_method ?? (adapter.name === 'in_memory' ? 'in_memory' : 'file_based');
  if (method === 'in_memory') return ':memory:';
  return adapter.config?.file_path ? resolve(adapter.config.file_path) : `${dataDir}/queue.db`;
}
