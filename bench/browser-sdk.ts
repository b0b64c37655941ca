/**
 * A call round trip from iii-browser-sdk (run in Node with `ws` as the global WebSocket) beside the same
 * call from the Node iii-sdk, in the same run against the same engine and the same iii-sdk worker serving
 * `bench::echo`. Rounds alternate between the two clients; each figure is the median round.
 *
 *   node --conditions=triad-source --import tsx bench/browser-sdk.ts [--calls 5000] [--rounds 3]
 */

import { startEngine } from '@triad/engine';
import { registerWorker as registerBrowserWorker } from 'iii-browser-sdk';
import { registerWorker } from 'iii-sdk';
import WebSocket from 'ws';
import { load, report, type Sample } from './lib/stats.ts';

(globalThis as { WebSocket?: unknown }).WebSocket = WebSocket;

const arg = (name: string, fallback: number): number => {
  const i = process.argv.indexOf(name);
  return i > 0 ? Number(process.argv[i + 1]) : fallback;
};
const CALLS = arg('--calls', 5000);
const ROUNDS = arg('--rounds', 3);
const quiet = { otel: { enabled: false }, enableMetricsReporting: false };

const engine = await startEngine({ logLevel: 'warn', workers: [{ name: 'iii-worker-manager', config: { host: '127.0.0.1', port: 0 } }] });
const url = engine.addresses.worker as string;
const server = registerWorker(url, { workerName: 'bench-echo', ...quiet });
server.registerFunction('bench::echo', async (d: unknown) => d);
while (!engine.api.hasFunction('bench::echo')) await new Promise((r) => setTimeout(r, 10));

const browser = registerBrowserWorker(url, { workerName: 'bench-browser' });
const node = registerWorker(url, { workerName: 'bench-node', ...quiet });
const clients = {
  browser: (n: number) => browser.trigger({ function_id: 'bench::echo', payload: { n, text: 'hello' } }),
  node: (n: number) => node.trigger({ function_id: 'bench::echo', payload: { n, text: 'hello' } }),
};

const median = (xs: Sample[]): Sample => {
  const by = (k: keyof Sample) => [...xs].sort((a, b) => a[k] - b[k])[Math.floor(xs.length / 2)]![k];
  return { throughput: by('throughput'), p50: by('p50'), p99: by('p99') };
};

console.log(`browser SDK vs Node SDK call round trip: ${CALLS} calls × ${ROUNDS} rounds per figure, node ${process.version}`);
for (const inFlight of [1, 64]) {
  for (const c of Object.values(clients)) await load(500, inFlight, c); // warm-up
  const rounds: Record<keyof typeof clients, Sample[]> = { browser: [], node: [] };
  for (let r = 0; r < ROUNDS; r++) {
    rounds.browser.push(await load(CALLS, inFlight, clients.browser));
    rounds.node.push(await load(CALLS, inFlight, clients.node));
  }
  report(
    `caller → engine → iii-sdk echo → caller, ${inFlight === 1 ? 'sequential' : `${inFlight} in flight`}`,
    median(rounds.browser),
    median(rounds.node),
    {
      subject: 'iii-browser-sdk',
      baseline: 'iii-sdk (Node)',
    },
  );
}
await browser.shutdown();
await node.shutdown();
await server.shutdown();
await engine.stop();
