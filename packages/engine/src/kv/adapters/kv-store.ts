/**
 * The kv adapter contract: the key/value store behind the `state` and `iii-stream` modules (workers.md
 * workers.md §2.3, §6.4: both use the `kv` adapter). Implementations live beside this file (`memory/`, `file/`) and
 * all pass `test/conformance/kv.test.ts`.
 *
 * Values are addressed by `scope` › `key` (state: scope/key; stream: `[stream_name, group_id]`/item_id).
 * Every adapter keeps insertion order within a scope (stream::list must return items in that order).
 */
import type { UpdateOp, UpdateOpError } from '../update-ops.ts';

/** Result of a write: the previous value (`undefined` when the key was absent) and the stored one. */
export interface KvWrite {
  old: unknown;
  value: unknown;
}

export interface KvUpdate extends KvWrite {
  errors: UpdateOpError[];
}

export interface KvStore {
  /** The stored value, or `undefined` when absent. */
  get(scope: string, key: string): Promise<unknown>;
  /** Store `value`; resolves once the write is durable for durable adapters. */
  set(scope: string, key: string, value: unknown): Promise<KvWrite>;
  /** Remove the key; resolves with the old value (`undefined` when absent). */
  delete(scope: string, key: string): Promise<unknown>;
  /** Values of a scope in insertion order (an overwrite keeps the key's position). */
  list(scope: string): Promise<unknown[]>;
  /** Keys of a scope in insertion order. */
  keys(scope: string): Promise<string[]>;
  /** Non-empty scopes, sorted and unique. */
  listGroups(): Promise<string[]>;
  /** Apply `ops` in order, atomically for this key (no other write interleaves). */
  update(scope: string, key: string, ops: readonly UpdateOp[]): Promise<KvUpdate>;
  /** Flush and release resources; idempotent. */
  close(): Promise<void>;
}
