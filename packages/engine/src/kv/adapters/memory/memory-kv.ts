/**
 * `store_method: in_memory`: scopes of insertion-ordered Maps. Also the working set of the file adapter,
 * which adds a durable log behind the same synchronous mutations.
 *
 * Mutations are synchronous, which is what makes `update` atomic per key: nothing can interleave
 * between reading the old value and storing the new one on a single-threaded event loop.
 */

import { applyUpdateOps, type UpdateOp } from '../../update-ops.ts';
import type { KvStore, KvUpdate, KvWrite } from '../kv-store.ts';

/** Synchronous core shared by both adapters. */
export class MemoryTable {
  readonly scopes = new Map<string, Map<string, unknown>>();

  get(scope: string, key: string): unknown {
    return this.scopes.get(scope)?.get(key);
  }

  set(scope: string, key: string, value: unknown): KvWrite {
    let table = this.scopes.get(scope);
    if (!table) {
      table = new Map();
      this.scopes.set(scope, table);
    }
    const old = table.get(key);
    table.set(key, value);
    return { old, value };
  }

  delete(scope: string, key: string): unknown {
    const table = this.scopes.get(scope);
    if (!table) return undefined;
    const old = table.get(key);
    table.delete(key);
    // Empty scopes disappear so list_groups only reports scopes that hold something.
    if (table.size === 0) this.scopes.delete(scope);
    return old;
  }

  update(scope: string, key: string, ops: readonly UpdateOp[]): KvUpdate {
    const old = this.get(scope, key);
    const { value, errors } = applyUpdateOps(old, ops);
    this.set(scope, key, value);
    return { old, value, errors };
  }

  list(scope: string): unknown[] {
    return [...(this.scopes.get(scope)?.values() ?? [])];
  }

  keys(scope: string): string[] {
    return [...(this.scopes.get(scope)?.keys() ?? [])];
  }

  listGroups(): string[] {
    return [...this.scopes.keys()].sort();
  }

  /** Number of stored keys across all scopes. */
  size(): number {
    let n = 0;
    for (const t of this.scopes.values()) n += t.size;
    return n;
  }
}

/** Reads straight from the table; `FileKv` extends it and overrides the writes to log them. */
export class MemoryKv implements KvStore {
  protected readonly table = new MemoryTable();

  async get(scope: string, key: string): Promise<unknown> {
    return this.table.get(scope, key);
  }
  async set(scope: string, key: string, value: unknown): Promise<KvWrite> {
    return this.table.set(scope, key, value);
  }
  async delete(scope: string, key: string): Promise<unknown> {
    return this.table.delete(scope, key);
  }
  async update(scope: string, key: string, ops: readonly UpdateOp[]): Promise<KvUpdate> {
    return this.table.update(scope, key, ops);
  }
  async list(scope: string): Promise<unknown[]> {
    return this.table.list(scope);
  }
  async keys(scope: string): Promise<string[]> {
    return this.table.keys(scope);
  }
  async listGroups(): Promise<string[]> {
    return this.table.listGroups();
  }
  async close(): Promise<void> {}
}
