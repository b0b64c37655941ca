/**
 * KvStore over the backend's `stream::*` functions (as the reference's stream `bridge` adapter), for the `iii-stream` bridge
 * adapter. Scopes are the stream module's `["<stream>","<group>"]`. Unlike the reference, `list_all` is
 * served (from the backend's `stream::list_all`) instead of always answering an empty list.
 */
import type { BridgeLink } from '../../../bridge-link/index.ts';
import { EngineError } from '../../../core/errors/index.ts';
import type { UpdateOp, UpdateOpError } from '../../update-ops.ts';
import type { KvStore, KvUpdate, KvWrite } from '../kv-store.ts';
import { absent, record, remote, unsupported } from './remote.ts';

function group(scope: string): { stream_name: string; group_id: string } {
  let parsed: unknown;
  try {
    parsed = JSON.parse(scope);
  } catch {
    parsed = undefined;
  }
  const [stream_name, group_id] = Array.isArray(parsed) && parsed.length === 2 ? parsed : [];
  if (typeof stream_name !== 'string' || typeof group_id !== 'string')
    throw new EngineError('E_INTERNAL', `stream bridge: '${scope}' is not a ["stream","group"] scope`);
  return { stream_name, group_id };
}

export class BridgeStreamStore implements KvStore {
  /** `announce` runs after each committed write (the store announces its own writes). */
  constructor(
    private readonly link: BridgeLink,
    private readonly announce: (scope: string, key: string, old: unknown, value: unknown | typeof DELETED) => void,
  ) {}

  async get(scope: string, key: string): Promise<unknown> {
    return absent(await remote(this.link, 'stream::get', { ...group(scope), item_id: key }));
  }

  async set(scope: string, key: string, value: unknown): Promise<KvWrite> {
    const r = record(await remote(this.link, 'stream::set', { ...group(scope), item_id: key, data: value }));
    const w = { old: absent(r.old_value), value: r.new_value ?? value };
    this.announce(scope, key, w.old, w.value);
    return w;
  }

  async delete(scope: string, key: string): Promise<unknown> {
    const old = absent(record(await remote(this.link, 'stream::delete', { ...group(scope), item_id: key })).old_value);
    this.announce(scope, key, old, DELETED);
    return old;
  }

  async list(scope: string): Promise<unknown[]> {
    const r = await remote(this.link, 'stream::list', group(scope));
    return Array.isArray(r) ? r : [];
  }

  keys(): Promise<string[]> {
    return unsupported('kv keys()');
  }

  async listGroups(): Promise<string[]> {
    const streams = record(await remote(this.link, 'stream::list_all', {})).stream;
    const scopes: string[] = [];
    for (const s of Array.isArray(streams) ? streams : []) {
      const { id, groups } = record(s);
      if (typeof id !== 'string' || !Array.isArray(groups)) continue;
      for (const g of groups) if (typeof g === 'string') scopes.push(JSON.stringify([id, g]));
    }
    return [...new Set(scopes)].sort();
  }

  async update(scope: string, key: string, ops: readonly UpdateOp[]): Promise<KvUpdate> {
    const r = record(await remote(this.link, 'stream::update', { ...group(scope), item_id: key, ops }));
    const u = { old: absent(r.old_value), value: r.new_value ?? null, errors: (r.errors as UpdateOpError[] | undefined) ?? [] };
    this.announce(scope, key, u.old, u.value);
    return u;
  }

  async close(): Promise<void> {}
}

/** Marks a delete in `announce` (a stored value may be anything, `undefined` included). */
export const DELETED: unique symbol = Symbol('deleted');
