/**
 * The in-process change feed of the `kv` adapter (in_memory and file_based): one engine, synchronous
 * delivery. `announcing` wraps a store so each committed write is published here, exactly as a shared
 * adapter publishes inside its own write.
 */

import type { UpdateOp } from '../update-ops.ts';
import type { ChangeFeed, Disposer, KvChange } from './change-feed.ts';
import type { KvStore, KvUpdate, KvWrite } from './kv-store.ts';

export class LocalChangeFeed<T> implements ChangeFeed<T> {
  private readonly handlers = new Set<(event: T) => void>();

  /** `onError` hears about handlers that threw (the write they follow has already succeeded). */
  constructor(private readonly onError: (err: unknown) => void = () => {}) {}

  /** Delivers before returning, so a caller's later work sees every handler's effect. */
  publish(event: T): Promise<void> {
    for (const h of this.handlers) {
      try {
        h(event);
      } catch (err) {
        this.onError(err);
      }
    }
    return Promise.resolve();
  }

  subscribe(handler: (event: T) => void): Disposer {
    // A wrapper per call, so subscribing the same function twice delivers twice and disposes separately.
    const h = (e: T): void => handler(e);
    this.handlers.add(h);
    return () => {
      this.handlers.delete(h);
    };
  }

  async close(): Promise<void> {
    this.handlers.clear();
  }
}

/** `inner` with every committed write published on `feed` (in completion order, which is commit order). */
export function announcing(inner: KvStore, feed: ChangeFeed<KvChange>): KvStore {
  return {
    get: (scope, key) => inner.get(scope, key),
    list: (scope) => inner.list(scope),
    keys: (scope) => inner.keys(scope),
    listGroups: () => inner.listGroups(),
    close: () => inner.close(),
    async set(scope: string, key: string, value: unknown): Promise<KvWrite> {
      const w = await inner.set(scope, key, value);
      await feed.publish({ kind: 'write', scope, key, old: w.old, value: w.value, at: Date.now() });
      return w;
    },
    async update(scope: string, key: string, ops: readonly UpdateOp[]): Promise<KvUpdate> {
      const u = await inner.update(scope, key, ops);
      await feed.publish({ kind: 'write', scope, key, old: u.old, value: u.value, at: Date.now() });
      return u;
    },
    async delete(scope: string, key: string): Promise<unknown> {
      const old = await inner.delete(scope, key);
      await feed.publish({ kind: 'delete', scope, key, old, at: Date.now() });
      return old;
    },
  };
}
