/**
 * The redis `state` adapter against raw ioredis GET/SET on the same Redis, in the same run:
 *   1. the adapter alone (`store.get` / `store.set`: HGET + JSON.parse; one Lua script that writes, keeps
 *      insertion order and appends the change to the feed) vs `GET` / `SET` of the same JSON text;
 *   2. `state::get` / `state::set` through the engine from a real iii-sdk worker, on the redis adapter vs
 *      the in-memory `kv` adapter in the same engine setup (what Redis adds to a call through the engine).
 * Keys live under a unique prefix, deleted at the end. Needs Redis (REDIS_URL, default 127.0.0.1:6379).
 *
 *   node --import tsx bench/redis-state.ts [--ops 10000] [--concurrency 16] [--rounds 2]
 */
import { startEngine } from '@triad/engine';
import { openKvBackend } from '@triad/engine/internal';
import { registerWorker } from 'iii-sdk';
import { Redis } from 'ioredis';
import { uniqueName } from '../test/helpers/names.ts';
import { dropPrefix } from '../test/helpers/redis-engines.ts';
import { REDIS_URL, redisSkip } from '../test/helpers/services.ts';
import { load, report, type Sample } from './lib/stats.ts';

function arg(name: string, fallback: number): number {
  const i = process.argv.indexOf(`--${name}`);
  return i >= 0 ? Number(process.argv[i + 1]) : fallback;
}

const OPS = arg('ops', 10_000);
const CONCURRENCY = arg('concurrency', 16);
const ROUNDS = arg('rounds', 2);
const KEYS = 100;
const value = (i: number) => ({ url: `https://example.com/${i}`, created_at: '2026-12-07T00:00:00Z', tags: [] });

const better = (a: Sample | undefined, b: Sample): Sample => (!a || b.throughput > a.throughput ? b : a);

interface Pair {
  get: Sample;
  set: Sample;
}

async function pair(get: (i: number) => Promise<unknown>, set: (i: number) => Promise<unknown>): Promise<Pair> {
  for (let i = 0; i < KEYS; i++) await set(i);
  return { set: await load(OPS, CONCURRENCY, set), get: await load(OPS, CONCURRENCY, get) };
}

async function rawRedis(prefix: string): Promise<Pair> {
  const r = new Redis(REDIS_URL);
  try {
    return await pair(
      async (i) => JSON.parse((await r.get(`${prefix}raw:${i % KEYS}`)) ?? 'null'),
      (i) => r.set(`${prefix}raw:${i % KEYS}`, JSON.stringify(value(i))),
    );
  } finally {
    r.disconnect();
  }
}

async function adapterAlone(prefix: string): Promise<Pair> {
  const backend = await openKvBackend(
    { name: 'redis', config: { store_method: 'in_memory', redis_url: REDIS_URL, key_prefix: prefix } },
    { baseDir: '.', defaultDir: '.', shared: { namespace: 'state', connectErrorCode: 'E_STATE_REDIS_CONNECT' } },
  );
  try {
    return await pair(
      (i) => backend.store.get('bench', `k${i % KEYS}`),
      (i) => backend.store.set('bench', `k${i % KEYS}`, value(i)),
    );
  } finally {
    await backend.close();
  }
}

async function throughEngine(adapter: Record<string, unknown>): Promise<Pair> {
  const engine = await startEngine({
    logLevel: 'warn',
    workers: [
      { name: 'iii-worker-manager', config: { host: '127.0.0.1', port: 0 } },
      { name: 'state', config: { adapter } },
    ],
  });
  const w = registerWorker(engine.addresses.worker!, { workerName: 'bench', otel: { enabled: false }, enableMetricsReporting: false });
  try {
    await w.trigger({ function_id: 'state::get', payload: { scope: 'bench', key: 'warm' } });
    return await pair(
      (i) => w.trigger({ function_id: 'state::get', payload: { scope: 'bench', key: `k${i % KEYS}` } }),
      (i) => w.trigger({ function_id: 'state::set', payload: { scope: 'bench', key: `k${i % KEYS}`, value: value(i) } }),
    );
  } finally {
    await w.shutdown();
    await engine.stop();
  }
}

async function main(): Promise<void> {
  const skip = await redisSkip();
  if (skip) {
    console.log(`skipped: ${skip}`);
    return;
  }
  const prefix = `${uniqueName('triad-bench')}:`;
  console.log(`redis state: ${OPS} ops per figure, ${CONCURRENCY} in flight, ${KEYS} keys, best of ${ROUNDS} rounds (${REDIS_URL})`);
  const best: Record<string, Partial<Pair>> = { raw: {}, adapter: {}, engineRedis: {}, engineMemory: {} };
  const keep = (name: string, p: Pair): void => {
    const b = best[name]!;
    b.get = better(b.get, p.get);
    b.set = better(b.set, p.set);
  };
  try {
    for (let r = 0; r < ROUNDS; r++) {
      keep('raw', await rawRedis(prefix));
      keep('adapter', await adapterAlone(prefix));
      keep('engineRedis', await throughEngine({ name: 'redis', config: { redis_url: REDIS_URL, key_prefix: prefix } }));
      keep('engineMemory', await throughEngine({ name: 'kv', config: { store_method: 'in_memory' } }));
    }
  } finally {
    await dropPrefix(prefix);
  }
  const b = best as Record<string, Pair>;
  const rows: [string, Sample, Sample, string, string][] = [
    ['adapter get (HGET + parse) vs raw ioredis GET', b.adapter!.get, b.raw!.get, 'redis adapter get', 'ioredis GET'],
    ['adapter set (script: write + order + feed) vs raw ioredis SET', b.adapter!.set, b.raw!.set, 'redis adapter set', 'ioredis SET'],
    [
      'state::get through the engine: redis adapter vs raw ioredis GET',
      b.engineRedis!.get,
      b.raw!.get,
      'state::get (redis)',
      'ioredis GET',
    ],
    [
      'state::set through the engine: redis adapter vs raw ioredis SET',
      b.engineRedis!.set,
      b.raw!.set,
      'state::set (redis)',
      'ioredis SET',
    ],
    [
      'state::get through the engine: redis vs in-memory kv',
      b.engineRedis!.get,
      b.engineMemory!.get,
      'state::get (redis)',
      'state::get (memory)',
    ],
    [
      'state::set through the engine: redis vs in-memory kv',
      b.engineRedis!.set,
      b.engineMemory!.set,
      'state::set (redis)',
      'state::set (memory)',
    ],
  ];
  for (const [title, subject, base, s, bl] of rows) report(title, subject, base, { subject: s, baseline: bl });
}

await main();
