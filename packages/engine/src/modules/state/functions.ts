/**
 * `state::set|get|delete|update|list|list_groups` (workers.md §2.1, protocol.md §5.3). Result shapes follow
 * the reference exactly: get returns the bare value, delete the old value itself, list a bare array.
 */

import { formatIssues } from '../../core/config/schema.ts';
import { EngineError } from '../../core/errors/index.ts';
import { type KvStore, parseUpdateOps } from '../../kv/index.ts';
import { defineFunction } from '../define-function.ts';
import type { LocalFunction } from '../module.ts';
import { deleteInput, getInput, listEntriesInput, listGroupsInput, listInput, setInput, updateInput } from './config.ts';

/** Triggers are not fired here: the store announces each write on its change feed (index.ts subscribes). */
export interface StateDeps {
  store: () => KvStore;
  maxValueBytes: () => number | undefined;
}

/** Run an adapter call; anything that is not already a coded input error becomes `code`. */
async function guarded<T>(code: string, fn: () => Promise<T>): Promise<T> {
  try {
    return await fn();
  } catch (err) {
    if (err instanceof EngineError && (err.code === 'deserialization_error' || err.code === 'VALUE_TOO_LARGE')) throw err;
    throw new EngineError(code, err instanceof Error ? err.message : String(err), { cause: err });
  }
}

export function stateFunctions(deps: StateDeps): LocalFunction[] {
  return [
    defineFunction({
      id: 'state::set',
      description: 'Store a value under scope/key; returns { old_value, new_value }',
      input: setInput,
      handler: (i) =>
        guarded('SET_ERROR', async () => {
          const value = i.value !== undefined ? i.value : (i.data ?? null);
          const max = deps.maxValueBytes();
          const size = max === undefined ? 0 : Buffer.byteLength(JSON.stringify(value));
          if (max !== undefined && size > max)
            throw new EngineError('VALUE_TOO_LARGE', `value is ${size} bytes, max_value_bytes is ${max}`);
          const w = await deps.store().set(i.scope, i.key, value);
          return { old_value: w.old ?? null, new_value: value };
        }),
    }),
    defineFunction({
      id: 'state::get',
      description: 'The stored value, or null',
      input: getInput,
      handler: (i) => guarded('GET_ERROR', async () => (await deps.store().get(i.scope, i.key)) ?? null),
    }),
    defineFunction({
      id: 'state::delete',
      description: 'Delete scope/key; returns the deleted value or null',
      input: deleteInput,
      handler: (i) =>
        guarded('DELETE_ERROR', async () => {
          return (await deps.store().delete(i.scope, i.key)) ?? null;
        }),
    }),
    defineFunction({
      id: 'state::update',
      description: 'Apply update ops atomically; returns { old_value, new_value, errors? }',
      input: updateInput,
      handler: async (i) => {
        const ops = parseUpdateOps(i.ops);
        if (!ops.ok) throw new EngineError('deserialization_error', `state::update: ${formatIssues(ops.issues)}`);
        return guarded('UPDATE_ERROR', async () => {
          const u = await deps.store().update(i.scope, i.key, ops.value);
          return { old_value: u.old ?? null, new_value: u.value, ...(u.errors.length > 0 ? { errors: u.errors } : {}) };
        });
      },
    }),
    defineFunction({
      id: 'state::list',
      description: 'Every value in a scope, as a bare array',
      input: listInput,
      handler: (i) => guarded('LIST_ERROR', () => deps.store().list(i.scope)),
    }),
    defineFunction({
      id: 'state::list_entries',
      description: 'Keys and values of a scope, in insertion order: { entries: [{ key, value }], total }',
      input: listEntriesInput,
      handler: (i) =>
        guarded('LIST_ERROR', async () => {
          const store = deps.store();
          const keys = await store.keys(i.scope);
          const page = keys.slice(i.offset, i.offset + i.limit);
          // One read per key rather than zipping keys() with list(): a write between the two would misalign them.
          const values = await Promise.all(page.map((key) => store.get(i.scope, key)));
          const entries = page.flatMap((key, n) => (values[n] === undefined ? [] : [{ key, value: values[n] }]));
          return { entries, total: keys.length };
        }),
    }),
    defineFunction({
      id: 'state::list_groups',
      description: 'Scope names, sorted and unique',
      input: listGroupsInput,
      handler: () => guarded('LIST_GROUPS_ERROR', async () => ({ groups: await deps.store().listGroups() })),
    }),
  ];
}
