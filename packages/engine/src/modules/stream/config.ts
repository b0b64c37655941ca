/** `config/iii-stream.yaml` (id `iii-stream`) and the inputs of the `stream::*` functions (workers.md §6). */
import { z } from 'zod';
import { kvAdapterSchema } from '../../kv/index.ts';

/** @default 4 MiB */
export const DEFAULT_MAX_BUFFERED_BYTES = 4 * 1024 * 1024;

export const streamConfigSchema = z.strictObject({
  port: z.int().min(0).max(65535).default(3112),
  host: z.string().min(1).default('0.0.0.0'),
  /** Called at upgrade with `{headers, path, query_params, addr}`; its `{context}` reaches join/leave triggers. */
  auth_function: z.string().min(1).optional(),
  adapter: kvAdapterSchema.describe(
    'Storage adapter: kv { store_method: in_memory | file_based, file_path }, redis { redis_url, key_prefix } (shared by engines) or bridge { bridge_url }',
  ),
  /** Triad: a subscriber socket whose unsent bytes exceed this is a slow consumer. */
  max_buffered_bytes_per_socket: z.int().min(1024).default(DEFAULT_MAX_BUFFERED_BYTES),
  /**
   * Triad: what happens to a slow consumer. `close`: stop sending and close it with code 1013 (default);
   * `drop_frames`: keep it open but skip frames while it is over the limit (it silently misses events).
   */
  slow_consumer_policy: z.enum(['close', 'drop_frames'] as const).default('close'),
});

export type StreamConfig = z.output<typeof streamConfigSchema>;

const group = { stream_name: z.string(), group_id: z.string() };
const item = { ...group, item_id: z.string() };

export const setInput = z.looseObject({ ...item, data: z.unknown().optional() });
export const itemInput = z.looseObject(item);
export const updateInput = z.looseObject({ ...item, ops: z.unknown() });
export const listInput = z.looseObject(group);
export const listGroupsInput = z.looseObject({ stream_name: z.string() });
/** Triad: `stream::list_entries` (the console's stream browser needs item ids beside the values). */
export const listEntriesInput = z.looseObject({ ...group, limit: z.int().min(1).max(10_000).default(1000) });
export const listAllInput = z.looseObject({});
export const sendInput = z.looseObject({ ...group, type: z.string(), data: z.unknown().optional(), id: z.string().optional() });

/** `stream_name` of a `stream` trigger that fires for every stream (Triad; bridged engines bind it). */
export const ANY_STREAM = '*';

export const streamTriggerConfig = z.looseObject({
  stream_name: z.string().min(1).describe('The stream ("*": every stream, a Triad extension)'),
  group_id: z.string().optional(),
  item_id: z.string().optional(),
  condition_function_id: z.string().optional(),
});

export const joinLeaveTriggerConfig = z.looseObject({
  stream_name: z.string().optional(),
  condition_function_id: z.string().optional(),
});

/** Client → engine frames on the subscriber socket (protocol.md §8.2). `id` may be absent or null. */
export const clientFrame = z.looseObject({ type: z.string(), data: z.unknown().optional() });
export const joinData = z.looseObject({
  subscriptionId: z.string(),
  streamName: z.string(),
  groupId: z.string(),
  id: z.unknown().optional(),
});
export const leaveData = z.looseObject({ subscriptionId: z.string() });
