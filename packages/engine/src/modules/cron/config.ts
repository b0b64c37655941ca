/**
 * `config/cron.yaml` (id `cron`) and the `cron` trigger binding config (workers.md §7).
 *
 * `adapter.name`: `kv` (default; process-local lock, so several engines sharing a project would each
 * fire every tick) or `redis` (`redis_url`; a distributed lock, each tick fires once across engines).
 */
import { z } from 'zod';
import type { Schema } from '../../core/config/schema.ts';

export interface CronAdapterConfig {
  lock_ttl_ms: number;
  lock_index: string;
  redis_url?: string;
  store_method?: 'in_memory' | 'file_based';
  file_path?: string;
  save_interval_ms?: number;
}

export interface CronConfig {
  adapter: { name: 'kv' | 'redis'; config: CronAdapterConfig };
}

const DEFAULT_ADAPTER_CONFIG: CronAdapterConfig = {
  lock_ttl_ms: 30_000,
  lock_index: 'cron_locks',
  redis_url: undefined,
  store_method: undefined,
  file_path: undefined,
  save_interval_ms: undefined,
};

/** @default `{ adapter: { name: kv, config: { lock_ttl_ms: 30000, lock_index: cron_locks } } }` */
export const cronConfigSchema: Schema<CronConfig> = z.strictObject({
  adapter: z
    .strictObject({
      name: z.enum(['kv', 'redis'] as const).default('kv'),
      config: z
        .strictObject({
          lock_ttl_ms: z.int().min(1).default(DEFAULT_ADAPTER_CONFIG.lock_ttl_ms),
          lock_index: z.string().min(1).default(DEFAULT_ADAPTER_CONFIG.lock_index),
          redis_url: z.string().optional().describe('redis adapter only; default redis://localhost:6379'),
          // kv storage options, accepted for compatibility with the reference; cron locks never outlive the process.
          store_method: z.enum(['in_memory', 'file_based'] as const).optional(),
          file_path: z.string().optional(),
          save_interval_ms: z.int().min(1).optional(),
        })
        .default({ ...DEFAULT_ADAPTER_CONFIG }),
    })
    .describe('Lock adapter: kv (process-local) or redis { redis_url } (once per tick across engines)')
    .default(() => ({ name: 'kv' as const, config: { ...DEFAULT_ADAPTER_CONFIG } })),
});

/** Binding config of a `cron` trigger. Loose: unknown keys are ignored, as the reference does. */
export const cronTriggerConfigSchema = z.looseObject({
  expression: z.string().describe('6 fields (sec min hour day-of-month month day-of-week) or 7 (+ year), UTC'),
  condition_function_id: z.string().optional().describe('Called first with the same payload; exactly false skips the run'),
});
