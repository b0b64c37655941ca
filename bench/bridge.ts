/**
 * What a bridge hop costs, measured in one run against the same call on one engine:
 *   1. a function of the backend called through `iii-bridge` `forward` on a front engine (worker → front →
 *      link → backend → worker and back) vs the same function called by a worker on the backend itself;
 *   2. `state::get` / `state::set` on a front engine whose state is the `bridge` adapter vs the same calls
 *      on the backend (in-memory kv), each from a real iii-sdk worker.
 *
 *   node --import tsx bench/bridge.ts [--ops 5000] [--concurrency 16] [--rounds 2]
 */
import { type RunningEngine, startEngine } from '@triad/engine';
import { type IIIClient, registerWorker } from 'iii-sdk';
import { load, report, type Sample } from './lib/stats.ts';

function arg(name: string, fallback: number): number {
  const i = process.argv.indexOf(`--${name}`);
  return i >= 0 ? Number(process.argv[i + 1]) : fallback;
}

const OPS = arg('ops', 5_000);
const CONCURRENCY = arg('concurrency', 16);
const ROUNDS = arg('rounds', 2);
const listener = { name: 'iii-worker-manager', config: { host: '127.0.0.1', port: 0 } };

const worker = (e: RunningEngine, name: string): IIIClient =>
  registerWorker(e.addresses.worker as string, { workerName: name, otel: { enabled: false }, enableMetricsReporting: false });

async function ready(e: RunningEngine, id: string): Promise<void> {
  while (!e.api.hasFunction(id)) await new Promise((r) => setTimeout(r, 10));
}

const better = (a: Sample | undefined, b: Sample): Sample => (!a || b.throughput > a.throughput ? b : a);

async function main(): Promise<void> {
  const backend = await startEngine({ logLevel: 'warn', workers: [listener, { name: 'state' }] });
  const url = backend.addresses.worker as string;
  const front = await startEngine({
    logLevel: 'warn',
    workers: [
      listener,
      { name: 'iii-bridge', config: { url, forward: [{ local_function: 'bench::echo', remote_function: 'bench::echo' }] } },
      { name: 'state', config: { adapter: { name: 'bridge', config: { bridge_url: url } } } },
    ],
  });
  const server = worker(backend, 'bench-server');
  const onBackend = worker(backend, 'bench-direct');
  const onFront = worker(front, 'bench-front');
  const best: Record<string, Sample | undefined> = {};
  const keep = (k: string, s: Sample): void => {
    best[k] = better(best[k], s);
  };
  try {
    server.registerFunction('bench::echo', async (d: unknown) => d);
    await ready(backend, 'bench::echo');
    const call = (w: IIIClient, id: string, payload: unknown) => () => w.trigger({ function_id: id, payload });
    await call(onFront, 'bench::echo', { warm: true })();
    await call(onFront, 'state::set', { scope: 'bench', key: 'k', value: { url: 'https://iii.dev' } })();
    console.log(`bridge: ${OPS} calls per figure, ${CONCURRENCY} in flight (and 1), best of ${ROUNDS} rounds`);
    for (let r = 0; r < ROUNDS; r++) {
      for (const c of [1, CONCURRENCY]) {
        keep(`fw${c}`, await load(OPS, c, call(onFront, 'bench::echo', { n: 1 })));
        keep(`direct${c}`, await load(OPS, c, call(onBackend, 'bench::echo', { n: 1 })));
      }
      keep('getBridge', await load(OPS, CONCURRENCY, call(onFront, 'state::get', { scope: 'bench', key: 'k' })));
      keep('getDirect', await load(OPS, CONCURRENCY, call(onBackend, 'state::get', { scope: 'bench', key: 'k' })));
      const set = { scope: 'bench', key: 'k', value: { url: 'https://iii.dev' } };
      keep('setBridge', await load(OPS, CONCURRENCY, call(onFront, 'state::set', set)));
      keep('setDirect', await load(OPS, CONCURRENCY, call(onBackend, 'state::set', set)));
    }
  } finally {
    await Promise.all([server.shutdown(), onBackend.shutdown(), onFront.shutdown()]);
    await front.stop();
    await backend.stop();
  }
  const b = best as Record<string, Sample>;
  const labels = { subject: 'through the bridge', baseline: 'on one engine' };
  report('forwarded call, sequential (front → backend worker) vs the backend worker called on its engine', b.fw1!, b.direct1!, labels);
  report(`forwarded call, ${CONCURRENCY} in flight`, b[`fw${CONCURRENCY}`]!, b[`direct${CONCURRENCY}`]!, labels);
  report(`state::get (bridge adapter) vs state::get on the backend, ${CONCURRENCY} in flight`, b.getBridge!, b.getDirect!, labels);
  report(`state::set (bridge adapter) vs state::set on the backend, ${CONCURRENCY} in flight`, b.setBridge!, b.setDirect!, labels);
}

await main();
