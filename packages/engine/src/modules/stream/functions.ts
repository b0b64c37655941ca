/**
 * `stream::set|get|delete|update|list|list_groups|list_all|send` (workers.md §6.1, protocol.md §5.4).
 * Nothing is emitted here: each write is announced on the kv change feed (by the store, or by StreamStore
 * for custom backends), and index.ts feeds sockets and `stream` triggers from that feed.
 */

import { formatIssues, type Schema } from '../../core/config/schema.ts';
import { EngineError } from '../../core/errors/index.ts';
import { parseInput } from '../../core/input.ts';
import { parseUpdateOps } from '../../kv/index.ts';
import type { LocalFunction } from '../module.ts';
import { itemInput, listAllInput, listGroupsInput, listInput, sendInput, setInput, updateInput } from './config.ts';
import { scopeOf } from './events.ts';
import type { StreamStore } from './store.ts';

async function guarded<T>(code: string, fn: () => Promise<T>): Promise<T> {
  try {
    return await fn();
  } catch (err) {
    if (err instanceof EngineError && err.code === 'deserialization_error') throw err;
    throw new EngineError(code, err instanceof Error ? err.message : String(err), { cause: err });
  }
}

function fn<T>(id: string, description: string, schema: Schema<T>, code: string, handler: (input: T) => Promise<unknown>): LocalFunction {
  return {
    id,
    description,
    request_format: schema.toJSONSchema(),
    handler: (input) => guarded(code, () => handler(parseInput(schema, input, id))),
  };
}

export function streamFunctions(store: StreamStore): LocalFunction[] {
  return [
    fn('stream::set', 'Store an item and push create/update to subscribers', setInput, 'STREAM_SET_ERROR', async (i) => {
      const data = i.data ?? null;
      const w = await store.set(i, data);
      return { old_value: w.old ?? null, new_value: w.value };
    }),
    fn('stream::get', 'The stored item, or null', itemInput, 'STREAM_GET_ERROR', (i) => store.get(i)),
    fn('stream::delete', 'Delete an item; pushes delete when it existed', itemInput, 'STREAM_DELETE_ERROR', async (i) => {
      return { old_value: (await store.delete(i)) ?? null };
    }),
    fn('stream::update', 'Apply update ops atomically; pushes create/update', updateInput, 'STREAM_UPDATE_ERROR', async (i) => {
      const ops = parseUpdateOps(i.ops);
      if (!ops.ok) throw new EngineError('deserialization_error', `stream::update: ${formatIssues(ops.issues)}`);
      const w = await store.update(i, ops.value);
      return { old_value: w.old ?? null, new_value: w.value, ...(w.errors?.length ? { errors: w.errors } : {}) };
    }),
    fn('stream::list', 'Items of a group as a bare array, in insertion order', listInput, 'STREAM_GET_GROUP_ERROR', (i) =>
      store.list(i.stream_name, i.group_id),
    ),
    fn('stream::list_groups', 'Group ids of a stream', listGroupsInput, 'STREAM_LIST_GROUPS_ERROR', (i) => store.listGroups(i.stream_name)),
    fn('stream::list_all', 'Every stream with its groups', listAllInput, 'STREAM_LIST_ALL_ERROR', () => store.listAll()),
    fn('stream::send', 'Push an ephemeral event (not stored) to subscribers and triggers', sendInput, 'STREAM_SEND_ERROR', async (i) => {
      const data = { type: i.type, data: i.data ?? null };
      await store.announce({ kind: 'message', scope: scopeOf(i.stream_name, i.group_id), key: i.id ?? null, data, at: Date.now() });
      return null;
    }),
  ];
}
