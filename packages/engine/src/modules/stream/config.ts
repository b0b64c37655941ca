/** `config/iii-stream.yaml` (id `iii-stream`) and the inputs of the `stream::*` functions (workers.md §6). */
import { type Schema, s } from '../../core/config/schema.ts';
import { kvAdapterSchema } from '../../kv/index.ts';

/** @default 4 MiB */
export const DEFAULT_MAX_BUFFERED_BYTES = 4 * 1024 * 1024;

export const streamConfigSchema = s.object({
  port: s.integer().min(0).max(65535).default(3112),
  host: s.string().nonEmpty().default('0.0.0.0'),
  /** Called at upgrade with `{headers, path, query_params, addr}`; its `{context}` reaches join/leave triggers. */
  auth_function: s.string().nonEmpty().optional(),
  adapter: kvAdapterSchema.describe(
    'Storage adapter: kv { store_method: in_memory | file_based, file_path }, redis { redis_url, key_prefix } (shared by engines) or bridge { bridge_url }',
  ),
  /** Triad: a subscriber socket whose unsent bytes exceed this is a slow consumer. */
  max_buffered_bytes_per_socket: s.integer().min(1024).default(DEFAULT_MAX_BUFFERED_BYTES),
  /**
   * Triad: what happens to a slow consumer. `close`: stop sending and close it with code 1013 (default);
   * `drop_frames`: keep it open but skip frames while it is over the limit (it silently misses events).
   */
  slow_consumer_policy: s.enum(['close', 'drop_frames'] as const).default('close'),
});

export type StreamConfig = typeof streamConfigSchema extends Schema<infer T> ? T : never;

const group = { stream_name: s.string(), group_id: s.string() };
const item = { ...group, item_id: s.string() };

export const setInput = s.looseObject({ ...item, data: s.any().optional() });
export const itemInput = s.looseObject(item);
export const updateInput = s.looseObject({ ...item, ops: s.any() });
export const listInput = s.looseObject(group);
export const listGroupsInput = s.looseObject({ stream_name: s.string() });
export const listAllInput = s.looseObject({});
export const sendInput = s.looseObject({ ...group, type: s.string(), data: s.any().optional(), id: s.string().optional() });

/** `stream_name` of a `stream` trigger that fires for every stream (Triad; bridged engines bind it). */
export const ANY_STREAM = '*';

export const streamTriggerConfig = s.looseObject({
  stream_name: s.string().nonEmpty().describe('The stream ("*": every stream, a Triad extension)'),
  group_id: s.string().optional(),
  item_id: s.string().optional(),
  condition_function_id: s.string().optional(),
});

export const joinLeaveTriggerConfig = s.looseObject({
  stream_name: s.string().optional(),
  condition_function_id: s.string().optional(),
});

/** Client → engine frames on the subscriber socket (protocol.md §8.2). `id` may be absent or null. */
export const clientFrame = s.looseObject({ type: s.string(), data: s.any().optional() });
export const joinData = s.looseObject({ subscriptionId: s.string(), streamName: s.string(), groupId: s.string(), id: s.any().optional() });
export const leaveData = s.looseObject({ subscriptionId: s.string() });
