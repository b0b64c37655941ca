/** `config/state.yaml` (id `state`) and the inputs of the `state::*` functions (workers.md §2). */
import { type Schema, s } from '../../core/config/schema.ts';
import { kvAdapterSchema } from '../../kv/index.ts';

export const stateConfigSchema = s.object({
  /** Restart-only: a change is logged and applied at the next start. */
  adapter: kvAdapterSchema.describe(
    'Storage adapter: kv { store_method: in_memory | file_based, file_path }, redis { redis_url, key_prefix } (shared by engines) or bridge { bridge_url }',
  ),
  /** Live: when false, writes fire no `state` triggers. */
  triggers_enabled: s.boolean().default(true),
  /** Live: reject `state::set` values whose JSON is larger than this many bytes. */
  max_value_bytes: s.integer().min(1).optional(),
  /** Compaction-check period of the file-based kv log when the adapter sets none. */
  save_interval_ms: s.integer().min(100).max(3_600_000).default(5000),
});

export type StateConfig = typeof stateConfigSchema extends Schema<infer T> ? T : never;

const scopeKey = { scope: s.string(), key: s.string() };

export const setInput = s.looseObject({ ...scopeKey, value: s.any().optional(), data: s.any().optional() });
export const getInput = s.looseObject(scopeKey);
export const deleteInput = s.looseObject(scopeKey);
export const updateInput = s.looseObject({ ...scopeKey, ops: s.any() });
export const listInput = s.looseObject({ scope: s.string() });
export const listGroupsInput = s.looseObject({});

export const triggerConfigSchema = s.looseObject({
  scope: s.string().optional().describe('Only this scope (absent or empty: any)'),
  key: s.string().optional().describe('Only this key (absent or empty: any)'),
  condition_function_id: s.string().optional().describe('Called first with the event; returning false skips the handler'),
});
