/**
 * The change feed: how a committed kv write reaches every engine that shares the store (issue 14).
 *
 * A kv adapter is a pair, a {@link KvStore} (the data) and a {@link ChangeFeed} of {@link KvChange}s (what
 * happened to it). The **store announces its own writes**: every committed `set`, `update` and `delete` is
 * published on the feed by the adapter, not by the caller, so an adapter can make the announcement part of
 * the write itself (redis: the same script appends the change to a Redis stream; a bridge: the backend's
 * change reaches the bridged engine through its subscription). Callers `publish` only what the store does
 * not see: ephemeral messages (`stream::send`) and writes served elsewhere (custom stream backends).
 *
 * Guarantees every implementation gives (the state and stream modules rely on them):
 * - every subscriber of every engine sharing the store sees each change once;
 * - in commit order per scope/key (a subscriber never sees a key's `update` before its `create`);
 * - no acknowledged write is missing from the feed while the subscriber lives (an adapter that can lose
 *   changes, e.g. on a long outage, logs it);
 * - handlers run after the write is committed and cannot fail it: a throwing handler is logged and skipped.
 *
 * The in-process feed (`kv` adapter) delivers synchronously, before the write's promise settles for the
 * caller; shared feeds deliver asynchronously (a subscriber may see a change after the writer's call returns).
 */
import type { KvStore } from './kv-store.ts';

/** Stops a subscription; idempotent. */
export type Disposer = () => void;

export interface ChangeFeed<T> {
  /** Hand `event` to every subscriber of every engine sharing this feed (this one included). */
  publish(event: T): Promise<void>;
  /** Receive every event published from now on, in feed order. */
  subscribe(handler: (event: T) => void): Disposer;
  /** Stop delivering and release connections; idempotent. */
  close(): Promise<void>;
}

/** A write to `scope`/`key`: `old` is `undefined` when the key was absent. */
export interface KvWriteChange {
  kind: 'write';
  scope: string;
  key: string;
  old: unknown;
  value: unknown;
  /** Epoch ms on the engine that made the write (stream frames carry it as `timestamp`). */
  at: number;
}

/** A delete; announced even when nothing existed (`old` undefined), as `state:deleted` needs. */
export interface KvDeleteChange {
  kind: 'delete';
  scope: string;
  key: string;
  old: unknown;
  at: number;
}

/** An ephemeral message addressed to a scope (and optionally a key); nothing is stored. */
export interface KvMessage {
  kind: 'message';
  scope: string;
  key: string | null;
  data: unknown;
  at: number;
}

export type KvChange = KvWriteChange | KvDeleteChange | KvMessage;

/** What the `state` and `iii-stream` modules open: the data, and the feed announcing every change to it. */
export interface KvBackend {
  store: KvStore;
  feed: ChangeFeed<KvChange>;
  /** Close the feed, then the store. */
  close(): Promise<void>;
}

/** A backend whose `close` closes the feed, then the store, then `release` (e.g. the connections). */
export function kvBackend(store: KvStore, feed: ChangeFeed<KvChange>, release: () => Promise<void> = async () => {}): KvBackend {
  return {
    store,
    feed,
    async close() {
      await feed.close();
      await store.close();
      await release();
    },
  };
}
