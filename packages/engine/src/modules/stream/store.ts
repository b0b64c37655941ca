/**
 * Stream storage: the kv adapter, unless a custom backend function `stream::<op>(<stream_name>)` is
 * registered (SDK `createStream`), in which case that function gets the same input and its result is used
 * (protocol.md §5.4). Items live in kv scope `["<stream>","<group>"]` (JSON, so names may hold any character).
 *
 * The kv store announces its own writes on the change feed; writes served by a custom backend are
 * announced here, on the same feed, so subscribers and triggers see both kinds alike.
 */
import { z } from 'zod';
import { check } from '../../core/config/schema.ts';
import { EngineError } from '../../core/errors/index.ts';
import type { KvBackend, KvChange, UpdateOp, UpdateOpError } from '../../kv/index.ts';
import type { EngineApi } from '../module.ts';
import { parseScope, scopeOf } from './events.ts';

export interface ItemRef {
  stream_name: string;
  group_id: string;
  item_id: string;
}

/** Old value is `undefined` when the item did not exist. */
export interface StoreWrite {
  old: unknown;
  value: unknown;
  errors?: UpdateOpError[];
}

const opError = z.looseObject({ op_index: z.int(), code: z.string(), message: z.string(), doc_url: z.string().optional() });
const writeResult = z.looseObject({
  old_value: z.unknown().optional(),
  new_value: z.unknown().optional(),
  errors: z.array(opError).optional(),
});
const deleteResult = z.looseObject({ old_value: z.unknown().optional() });
function idOf(value: unknown): string | null {
  const id = typeof value === 'object' && value !== null ? (value as { id?: unknown }).id : undefined;
  return typeof id === 'string' ? id : null;
}

export class StreamStore {
  constructor(
    private readonly engine: EngineApi,
    private readonly backend: () => KvBackend,
  ) {}

  private kv() {
    return this.backend().store;
  }

  /** Announce a change the kv store did not see (custom backends, `stream::send`). */
  announce(change: KvChange): Promise<void> {
    return this.backend().feed.publish(change);
  }

  /** The custom backend function for `op` on `stream`, if one is registered. */
  private custom(op: string, stream: string): string | undefined {
    const id = `stream::${op}(${stream})`;
    return this.engine.hasFunction(id) ? id : undefined;
  }

  async get(ref: ItemRef): Promise<unknown> {
    const fn = this.custom('get', ref.stream_name);
    if (fn) return (await this.engine.invoke(fn, ref)) ?? null;
    return (await this.kv().get(scopeOf(ref.stream_name, ref.group_id), ref.item_id)) ?? null;
  }

  async set(ref: ItemRef, data: unknown): Promise<StoreWrite> {
    const fn = this.custom('set', ref.stream_name);
    if (fn) return this.delegatedWrite(fn, ref, { ...ref, data }, data);
    const w = await this.kv().set(scopeOf(ref.stream_name, ref.group_id), ref.item_id, data);
    return { old: w.old, value: w.value };
  }

  async update(ref: ItemRef, ops: UpdateOp[]): Promise<StoreWrite> {
    const fn = this.custom('update', ref.stream_name);
    if (fn) return this.delegatedWrite(fn, ref, { ...ref, ops }, null);
    const u = await this.kv().update(scopeOf(ref.stream_name, ref.group_id), ref.item_id, ops);
    return { old: u.old, value: u.value, errors: u.errors };
  }

  async delete(ref: ItemRef): Promise<unknown> {
    const fn = this.custom('delete', ref.stream_name);
    if (!fn) return this.kv().delete(scopeOf(ref.stream_name, ref.group_id), ref.item_id);
    const r = check(deleteResult, (await this.engine.invoke(fn, ref)) ?? {});
    if (!r.ok) throw new EngineError('E_INTERNAL', `${fn} returned something that is not { old_value }`);
    const old = r.value.old_value ?? undefined;
    await this.announce({ kind: 'delete', scope: scopeOf(ref.stream_name, ref.group_id), key: ref.item_id, old, at: Date.now() });
    return old;
  }

  async list(stream: string, group: string): Promise<unknown[]> {
    const fn = this.custom('list', stream);
    if (!fn) return this.kv().list(scopeOf(stream, group));
    const out = await this.engine.invoke(fn, { stream_name: stream, group_id: group });
    return Array.isArray(out) ? out : [];
  }

  /**
   * Items of a group with their ids, in insertion order. A custom backend only lists values, so its items
   * come back with `id: null` unless the value itself carries a string `id`.
   */
  async listEntries(stream: string, group: string, limit: number): Promise<{ id: string | null; data: unknown }[]> {
    if (this.custom('list', stream)) {
      const values = await this.list(stream, group);
      return values.slice(0, limit).map((data) => ({ id: idOf(data), data }));
    }
    const scope = scopeOf(stream, group);
    const keys = (await this.kv().keys(scope)).slice(0, limit);
    const values = await Promise.all(keys.map((key) => this.kv().get(scope, key)));
    return keys.flatMap((id, n) => (values[n] === undefined ? [] : [{ id, data: values[n] }]));
  }

  async listGroups(stream: string): Promise<string[]> {
    const fn = this.custom('list_groups', stream);
    if (fn) {
      const out = await this.engine.invoke(fn, { stream_name: stream });
      return Array.isArray(out) ? out.filter((g): g is string => typeof g === 'string') : [];
    }
    const groups: string[] = [];
    for (const scope of await this.kv().listGroups()) {
      const parsed = parseScope(scope);
      if (parsed && parsed[0] === stream) groups.push(parsed[1]);
    }
    return groups;
  }

  /** Streams held by the kv adapter (custom backends are not enumerable). */
  async listAll(): Promise<{ stream: { id: string; groups: string[] }[]; count: number }> {
    const byStream = new Map<string, string[]>();
    for (const scope of await this.kv().listGroups()) {
      const parsed = parseScope(scope);
      if (!parsed) continue;
      const groups = byStream.get(parsed[0]) ?? [];
      groups.push(parsed[1]);
      byStream.set(parsed[0], groups);
    }
    const stream = [...byStream].sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)).map(([id, groups]) => ({ id, groups }));
    return { stream, count: stream.length };
  }

  private async delegatedWrite(fn: string, ref: ItemRef, input: unknown, fallbackValue: unknown): Promise<StoreWrite> {
    const r = check(writeResult, (await this.engine.invoke(fn, input)) ?? {});
    if (!r.ok) throw new EngineError('E_INTERNAL', `${fn} returned something that is not { old_value, new_value }`);
    const errors: UpdateOpError[] | undefined = r.value.errors?.map(({ op_index, code, message, doc_url }) => ({
      op_index,
      code,
      message,
      ...(doc_url ? { doc_url } : {}),
    }));
    const value = r.value.new_value === undefined ? fallbackValue : r.value.new_value;
    const old = r.value.old_value ?? undefined;
    await this.announce({ kind: 'write', scope: scopeOf(ref.stream_name, ref.group_id), key: ref.item_id, old, value, at: Date.now() });
    return { old, value, ...(errors ? { errors } : {}) };
  }
}
