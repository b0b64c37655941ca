/**
 * The kv adapters under test and a fresh place for each test, shared by `kv.test.ts` (the store) and
 * `kv-feed.test.ts` (the change feed). Filter with `KV_ADAPTERS=memory`, `file` or `redis`. `redis` runs
 * against REDIS_URL (default redis://127.0.0.1:6379) under a unique key prefix per test, deleted afterwards;
 * it is skipped, saying so, when Redis is unreachable, and fails under CI=true.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createLogger } from '@triad/engine';
import { BridgeLink, type KvBackend, type KvChange, type KvStore, openKvBackend } from '@triad/engine/internal';
import { Redis } from 'ioredis';
import { startTestEngine, type TestEngine } from '../helpers/engine.ts';
import { uniqueName } from '../helpers/names.ts';
import { REDIS_URL, redisSkip } from '../helpers/services.ts';
import { waitFor } from '../helpers/wait.ts';

export interface AdapterCase {
  name: string;
  durable: boolean;
  /** Backends opened on the same `dir` share data and feed (several engines on one Redis). */
  shared: boolean;
  /** Open a store with its feed; `dir` is reused to reopen durable stores (redis: it is the key prefix). */
  open(dir: string): Promise<KvBackend>;
  skip?: false | string;
  /** The bridge cannot tell a stored null from an absent key (the wire says null for both). */
  nullIsAbsent?: boolean;
  /** The bridge has no `keys()` (no backend function lists keys). */
  noKeys?: boolean;
}

const wanted = process.env.KV_ADAPTERS?.split(',');
/** The adapters selected by KV_ADAPTERS (all by default). */
export const selected = (): AdapterCase[] => ADAPTERS.filter((a) => !wanted || wanted.includes(a.name));
const shared = { namespace: 'state', connectErrorCode: 'E_STATE_REDIS_CONNECT' };
const local = (config: { store_method: 'in_memory' | 'file_based'; file_path?: string }) => (dir: string) =>
  openKvBackend({ name: 'kv', config }, { baseDir: dir, defaultDir: dir, shared });

export const ADAPTERS: AdapterCase[] = [
  { name: 'memory', durable: false, shared: false, open: local({ store_method: 'in_memory' }) },
  { name: 'file', durable: true, shared: false, open: (dir) => local({ store_method: 'file_based', file_path: dir })(dir) },
  {
    name: 'redis',
    durable: true,
    shared: true,
    open: (prefix) =>
      openKvBackend(
        { name: 'redis', config: { store_method: 'in_memory', redis_url: REDIS_URL, key_prefix: prefix } },
        { baseDir: prefix, defaultDir: prefix, shared },
      ),
    skip: !wanted || wanted.includes('redis') ? await redisSkip() : false,
  },
  { name: 'bridge', durable: false, shared: true, nullIsAbsent: true, noKeys: true, open: (place) => openBridge(place) },
];

/** `bridge` (state): one backend engine per test place; every open is another engine's link to it. */
const backends = new Map<string, Promise<TestEngine>>();
async function openBridge(place: string): Promise<KvBackend> {
  let engine = backends.get(place);
  if (!engine) {
    engine = startTestEngine({ workers: [{ name: 'state' }, { name: 'pubsub' }] });
    backends.set(place, engine);
  }
  const { workerUrl } = await engine;
  let link: BridgeLink | undefined;
  const log = createLogger('kv-bridge', { level: 'warn' });
  const backend = await openKvBackend(
    { name: 'bridge', config: { store_method: 'in_memory', bridge_url: workerUrl } },
    {
      baseDir: place,
      defaultDir: place,
      shared,
      log,
      bridge: { kind: 'state', open: (c) => (link = new BridgeLink({ ...c, workerName: 'kv-conformance', log })) },
    },
  );
  const l = link as unknown as BridgeLink;
  l.start();
  await waitFor(() => l.connected, { what: 'the bridge link' });
  // One round trip on the link: the backend has processed its subscriptions (frames of a socket run in order).
  await l.call('state::list_groups', {});
  return backend;
}

/** A fresh place for one test: a temp dir, or (redis) a unique key prefix whose keys are deleted after. */
function place(adapter: AdapterCase): { dir: string; cleanup: () => Promise<void> } {
  if (adapter.name === 'bridge') {
    const dir = uniqueName('bridge-place');
    return { dir, cleanup: async () => (await backends.get(dir))?.stop() };
  }
  if (adapter.name !== 'redis') {
    const dir = mkdtempSync(join(tmpdir(), `triad-kv-${adapter.name}-`));
    return { dir, cleanup: async () => rmSync(dir, { recursive: true, force: true }) };
  }
  const dir = `${uniqueName('triad-kv-test')}:`;
  return {
    dir,
    async cleanup() {
      const r = new Redis(REDIS_URL);
      try {
        const keys = await r.keys(`${dir}*`);
        if (keys.length > 0) await r.del(...keys);
      } finally {
        r.disconnect();
      }
    },
  };
}

export async function withBackend(
  adapter: AdapterCase,
  fn: (kv: KvStore, dir: string, backend: KvBackend) => Promise<void>,
): Promise<void> {
  const { dir, cleanup } = place(adapter);
  const backend = await adapter.open(dir);
  try {
    await fn(backend.store, dir, backend);
  } finally {
    await backend.close();
    await cleanup();
  }
}

export const withStore = (adapter: AdapterCase, fn: (kv: KvStore, dir: string) => Promise<void>) => withBackend(adapter, fn);

/** Collects what a feed delivers. */
export function record(backend: KvBackend): KvChange[] {
  const seen: KvChange[] = [];
  backend.feed.subscribe((c) => seen.push(c));
  return seen;
}

export const brief = (c: KvChange) =>
  c.kind === 'message'
    ? ['message', c.scope, c.key, c.data]
    : c.kind === 'write'
      ? ['write', c.scope, c.key, c.old, c.value]
      : ['delete', c.scope, c.key, c.old];
