/**
 * The redis kv store (`adapter: { name: redis, config: { redis_url } }`), shared by every engine pointing
 * at the same Redis and `key_prefix`. Keys: see key-layout.ts; scripts: redis-scripts.ts.
 *
 * - `set`/`delete`: one script each (read old, write, append the change to the feed), atomic in Redis.
 * - `update`: optimistic compare-and-swap. Read the text, apply the ops in TypeScript (`applyUpdateOps`,
 *   the same code as every other adapter, so `[]` stays `[]` and numbers keep their digits), then write
 *   only if the text is still the one read; otherwise read again. Exact `old_value`/`new_value` under
 *   writers on several engines. Updates of one key from this engine queue behind each other first, so
 *   retries only happen between engines.
 * - `list`/`keys`: insertion order from the per-scope sorted set (list reads it with the hash in one script).
 * - `listGroups`: the set of non-empty scopes (no KEYS, no SCAN).
 */
import type { Redis } from 'ioredis';
import { EngineError } from '../../../core/errors/index.ts';
import { applyUpdateOps, type UpdateOp } from '../../update-ops.ts';
import type { KvStore, KvUpdate, KvWrite } from '../kv-store.ts';
import type { KeyLayout } from './key-layout.ts';
import { feedHeader } from './redis-feed.ts';
import type { RedisLink } from './redis-link.ts';
import { runDelete, runList, runWrite } from './redis-scripts.ts';

/** Compare-and-swap rounds before `update` gives up (only reachable under extreme cross-engine contention). */
const MAX_CAS_ROUNDS = 200;

const parse = (text: string | null | undefined): unknown => (text === null || text === undefined ? undefined : JSON.parse(text));
// `undefined` is not JSON; the modules never store it (they pass null), but keep the text valid anyway.
const encode = (value: unknown): string => JSON.stringify(value) ?? 'null';

export class RedisKv implements KvStore {
  /** Tail of the update chain per key, so this engine's updates of one key run one at a time. */
  private readonly updating = new Map<string, Promise<unknown>>();
  private closed = false;

  constructor(
    private readonly link: RedisLink,
    private readonly keys_: KeyLayout,
    private readonly feedMaxLen: number,
  ) {}

  private run<T>(fn: (redis: Redis) => Promise<T>): Promise<T> {
    if (this.closed) return Promise.reject(new EngineError('E_KV_CLOSED', 'the kv store is closed'));
    return this.link.run(fn);
  }

  private scriptKeys(scope: string): string[] {
    const k = this.keys_;
    return [k.hash(scope), k.order(scope), k.scopes, k.seq, k.feed];
  }

  async get(scope: string, key: string): Promise<unknown> {
    return parse(await this.run((r) => r.hget(this.keys_.hash(scope), key)));
  }

  async set(scope: string, key: string, value: unknown): Promise<KvWrite> {
    const text = encode(value);
    const header = feedHeader('w', scope, key, Date.now());
    const old = await this.run((r) =>
      runWrite(r, this.scriptKeys(scope), { field: key, text, scope, header, maxLen: this.feedMaxLen, mode: 'any' }),
    );
    return { old: parse(old), value };
  }

  async delete(scope: string, key: string): Promise<unknown> {
    const header = feedHeader('d', scope, key, Date.now());
    return parse(await this.run((r) => runDelete(r, this.scriptKeys(scope), key, scope, header, this.feedMaxLen)));
  }

  update(scope: string, key: string, ops: readonly UpdateOp[]): Promise<KvUpdate> {
    const id = JSON.stringify([scope, key]);
    const before = this.updating.get(id) ?? Promise.resolve();
    const mine = before.then(
      () => this.compareAndSwap(scope, key, ops),
      () => this.compareAndSwap(scope, key, ops),
    );
    this.updating.set(id, mine);
    const forget = (): void => {
      if (this.updating.get(id) === mine) this.updating.delete(id);
    };
    mine.then(forget, forget);
    return mine;
  }

  private async compareAndSwap(scope: string, key: string, ops: readonly UpdateOp[]): Promise<KvUpdate> {
    const keys = this.scriptKeys(scope);
    for (let round = 0; round < MAX_CAS_ROUNDS; round++) {
      const text = await this.run((r) => r.hget(keys[0]!, key));
      const { value, errors } = applyUpdateOps(parse(text), ops);
      const header = feedHeader('w', scope, key, Date.now());
      const args = { field: key, text: encode(value), scope, header, maxLen: this.feedMaxLen };
      const cas = text === null ? { mode: 'absent' as const } : { mode: 'equals' as const, expected: text };
      const won = await this.run((r) => runWrite(r, keys, { ...args, ...cas }));
      // The condition held: the stored text was exactly `text`, so `old` is what we read.
      if (won !== undefined) return { old: parse(text), value, errors };
      // Another engine wrote in between; back off a little (randomised, growing) before reading again.
      if (round >= 2) await new Promise((r) => setTimeout(r, Math.random() * Math.min(2 ** round, 50)));
    }
    throw new Error(`update of ${scope}/${key} lost ${MAX_CAS_ROUNDS} compare-and-swap rounds to other writers`);
  }

  async list(scope: string): Promise<unknown[]> {
    return (await this.run((r) => runList(r, this.keys_.order(scope), this.keys_.hash(scope)))).map(parse);
  }

  async keys(scope: string): Promise<string[]> {
    return this.run((r) => r.zrange(this.keys_.order(scope), 0, -1));
  }

  async listGroups(): Promise<string[]> {
    return (await this.run((r) => r.smembers(this.keys_.scopes))).sort();
  }

  async close(): Promise<void> {
    this.closed = true;
  }
}
