/** `config/state.yaml` (id `state`) and the inputs of the `state::*` functions (workers.md §2). */
import { z } from 'zod';
import { kvAdapterSchema } from '../../kv/index.ts';

export const stateConfigSchema = z.strictObject({
  /** Restart-only: a change is logged and applied at the next start. */
  adapter: kvAdapterSchema.describe(
    'Storage adapter: kv { store_method: in_memory | file_based, file_path }, redis { redis_url, key_prefix } (shared by engines) or bridge { bridge_url }',
  ),
  /** Live: when false, writes fire no `state` triggers. */
  triggers_enabled: z.boolean().default(true),
  /** Live: reject `state::set` values whose JSON is larger than this many bytes. */
  max_value_bytes: z.int().min(1).optional(),
  /** Compaction-check period of the file-based kv log when the adapter sets none. */
  save_interval_ms: z.int().min(100).max(3_600_000).default(5000),
});

export type StateConfig = z.output<typeof stateConfigSchema>;

const scopeKey = { scope: z.string(), key: z.string() };

export const setInput = z.looseObject({ ...scopeKey, value: z.unknown().optional(), data: z.unknown().optional() });
export const getInput = z.looseObject(scopeKey);
export const deleteInput = z.looseObject(scopeKey);
export const updateInput = z.looseObject({ ...scopeKey, ops: z.unknown() });
export const listInput = z.looseObject({ scope: z.string() });
export const listGroupsInput = z.looseObject({});
/** Triad: `state::list_entries` pages through a scope as `{key, value}` pairs (the console's state browser). */
export const listEntriesInput = z.looseObject({
  scope: z.string(),
  offset: z.int().min(0).default(0),
  limit: z.int().min(1).max(10_000).default(1000),
});

export const triggerConfigSchema = z.looseObject({
  scope: z.string().optional().describe('Only this scope (absent or empty: any)'),
  key: z.string().optional().describe('Only this key (absent or empty: any)'),
  condition_function_id: z.string().optional().describe('Called first with the event; returning false skips the handler'),
});
