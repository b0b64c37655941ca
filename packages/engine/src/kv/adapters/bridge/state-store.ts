/**
 * KvStore over the backend's `state::*` functions (as the reference's `bridge` adapter), for the `state` bridge adapter.
 * Differences from the reference: `delete` is one remote call (the backend's `state::delete` returns the
 * old value atomically; the reference reads, then deletes, not atomically); list_groups is the backend's.
 * A stored `null` reads back as absent: the wire cannot tell them apart.
 */
import type { BridgeLink } from '../../../bridge-link/index.ts';
import type { UpdateOp, UpdateOpError } from '../../update-ops.ts';
import type { KvStore, KvUpdate, KvWrite } from '../kv-store.ts';
import { absent, record, remote, unsupported } from './remote.ts';

export class BridgeStateStore implements KvStore {
  constructor(private readonly link: BridgeLink) {}

  async get(scope: string, key: string): Promise<unknown> {
    return absent(await remote(this.link, 'state::get', { scope, key }));
  }

  async set(scope: string, key: string, value: unknown): Promise<KvWrite> {
    const r = record(await remote(this.link, 'state::set', { scope, key, value }));
    return { old: absent(r.old_value), value: r.new_value ?? value };
  }

  async delete(scope: string, key: string): Promise<unknown> {
    return absent(await remote(this.link, 'state::delete', { scope, key }));
  }

  async list(scope: string): Promise<unknown[]> {
    const r = await remote(this.link, 'state::list', { scope });
    return Array.isArray(r) ? r : [];
  }

  keys(): Promise<string[]> {
    return unsupported('kv keys()');
  }

  async listGroups(): Promise<string[]> {
    const groups = record(await remote(this.link, 'state::list_groups', {})).groups;
    return Array.isArray(groups) ? [...new Set(groups.filter((g): g is string => typeof g === 'string'))].sort() : [];
  }

  async update(scope: string, key: string, ops: readonly UpdateOp[]): Promise<KvUpdate> {
    const r = record(await remote(this.link, 'state::update', { scope, key, ops }));
    return { old: absent(r.old_value), value: r.new_value ?? null, errors: (r.errors as UpdateOpError[] | undefined) ?? [] };
  }

  /** The link belongs to the backend pair (bridge/index.ts), which closes it. */
  async close(): Promise<void> {}
}
