/**
 * `stream::set|get|delete|update|list|list_groups|list_all|send` (workers.md §6.1, protocol.md §5.4).
 * Nothing is emitted here: each write is announced on the kv change feed (by the store, or by StreamStore
 * for custom backends), and index.ts feeds sockets and `stream` triggers from that feed.
 */

import { formatIssues } from '../../core/config/schema.ts';
import { EngineError } from '../../core/errors/index.ts';

import { parseUpdateOps } from '../../kv/index.ts';
import { defineFunction } from '../define-function.ts';
import type { LocalFunction } from '../module.ts';
import { itemInput, listAllInput, listEntriesInput, listGroupsInput, listInput, sendInput, setInput, updateInput } from './config.ts';
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

/** A handler whose failures (other than input errors) become `code`. */
function guard<T>(code: string, handler: (input: T) => Promise<unknown>): (input: T) => Promise<unknown> {
  return (input) => guarded(code, () => handler(input));
}

export function streamFunctions(store: StreamStore): LocalFunction[] {
  return [
    defineFunction({
      id: 'stream::set',
      description: 'Store an item and push create/update to subscribers',
      input: setInput,
      handler: guard('STREAM_SET_ERROR', async (i) => {
        const data = i.data ?? null;
        const w = await store.set(i, data);
        return { old_value: w.old ?? null, new_value: w.value };
      }),
    }),
    defineFunction({
      id: 'stream::get',
      description: 'The stored item, or null',
      input: itemInput,
      handler: guard('STREAM_GET_ERROR', (i) => store.get(i)),
    }),
    defineFunction({
      id: 'stream::delete',
      description: 'Delete an item; pushes delete when it existed',
      input: itemInput,
      handler: guard('STREAM_DELETE_ERROR', async (i) => {
        return { old_value: (await store.delete(i)) ?? null };
      }),
    }),
    defineFunction({
      id: 'stream::update',
      description: 'Apply update ops atomically; pushes create/update',
      input: updateInput,
      handler: guard('STREAM_UPDATE_ERROR', async (i) => {
        const ops = parseUpdateOps(i.ops);
        if (!ops.ok) throw new EngineError('deserialization_error', `stream::update: ${formatIssues(ops.issues)}`);
        const w = await store.update(i, ops.value);
        return { old_value: w.old ?? null, new_value: w.value, ...(w.errors?.length ? { errors: w.errors } : {}) };
      }),
    }),
    defineFunction({
      id: 'stream::list',
      description: 'Items of a group as a bare array, in insertion order',
      input: listInput,
      handler: guard('STREAM_GET_GROUP_ERROR', (i) => store.list(i.stream_name, i.group_id)),
    }),
    defineFunction({
      id: 'stream::list_entries',
      description: 'Items of a group with their ids, in insertion order: { entries: [{ id, data }] }',
      input: listEntriesInput,
      handler: guard('STREAM_GET_GROUP_ERROR', async (i) => ({ entries: await store.listEntries(i.stream_name, i.group_id, i.limit) })),
    }),
    defineFunction({
      id: 'stream::list_groups',
      description: 'Group ids of a stream',
      input: listGroupsInput,
      handler: guard('STREAM_LIST_GROUPS_ERROR', (i) => store.listGroups(i.stream_name)),
    }),
    defineFunction({
      id: 'stream::list_all',
      description: 'Every stream with its groups',
      input: listAllInput,
      handler: guard('STREAM_LIST_ALL_ERROR', () => store.listAll()),
    }),
    defineFunction({
      id: 'stream::send',
      description: 'Push an ephemeral event (not stored) to subscribers and triggers',
      input: sendInput,
      handler: guard('STREAM_SEND_ERROR', async (i) => {
        const data = { type: i.type, data: i.data ?? null };
        await store.announce({ kind: 'message', scope: scopeOf(i.stream_name, i.group_id), key: i.id ?? null, data, at: Date.now() });
        return null;
      }),
    }),
  ];
}
