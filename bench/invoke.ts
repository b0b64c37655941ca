/**
 * Invocation round trip, worker A → engine → worker B → back, beside a bare `ws` relay of the same shape
 * measured in the same run. Both sides use the same raw protocol clients so the ratio is the engine's own
 * cost (decode, route, `_caller_worker_id`, re-encode). A third figure uses the real iii-sdk on both ends.
 *
 *   node --import tsx bench/invoke.ts [--calls 20000]
 */
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { startEngine } from '@triad/engine';
import { registerWorker } from 'iii-sdk';
import type WebSocket from 'ws';
import { WebSocketServer } from 'ws';
import { drive, open } from './lib/protocol-client.ts';
import { load, report, type Sample } from './lib/stats.ts';

const callsArg = process.argv.indexOf('--calls');
const CALLS = callsArg > 0 ? Number(process.argv[callsArg + 1]) : 20_000;

const echoData = (n: number) => ({ n, text: 'hello' });

/** B: answers every invokefunction with an invocationresult echoing the data. */
function serve(b: WebSocket): void {
  b.on('message', (raw) => {
    const m = JSON.parse(raw.toString()) as { type: string; invocation_id: string; function_id: string; data: unknown };
    if (m.type === 'invokefunction')
      b.send(
        JSON.stringify({ type: 'invocationresult', invocation_id: m.invocation_id, function_id: m.function_id, result: { ok: true } }),
      );
  });
}

/** The baseline: a relay that forwards A's frames to B and B's to A, byte for byte. */
async function relay(): Promise<{ url: string; close(): void }> {
  const server = createServer();
  const wss = new WebSocketServer({ server, perMessageDeflate: false });
  const peers: WebSocket[] = [];
  wss.on('connection', (ws, req) => {
    (req.socket as { setNoDelay(v: boolean): void }).setNoDelay(true);
    peers.push(ws);
    ws.on('message', (data, isBinary) => {
      const other = peers[0] === ws ? peers[1] : peers[0];
      other?.send(data, { binary: isBinary });
    });
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  return { url: `ws://127.0.0.1:${(server.address() as AddressInfo).port}`, close: () => server.close() };
}

async function viaEngine(url: string, inFlight: number): Promise<Sample> {
  const b = await open(url);
  serve(b);
  b.send(JSON.stringify({ type: 'registerfunction', id: 'bench::echo' }));
  const a = await open(url);
  await new Promise((r) => setTimeout(r, 50)); // let the registration land before the first call
  await drive(a, 'bench::echo', echoData, 2000, inFlight); // warm-up
  const s = await drive(a, 'bench::echo', echoData, CALLS, inFlight);
  a.close();
  b.close();
  return s;
}

async function viaRelay(inFlight: number): Promise<Sample> {
  const r = await relay();
  const a = await open(r.url);
  const b = await open(r.url);
  serve(b);
  await drive(a, 'bench::echo', echoData, 2000, inFlight);
  const s = await drive(a, 'bench::echo', echoData, CALLS, inFlight);
  a.close();
  b.close();
  r.close();
  return s;
}

async function viaSdk(url: string, inFlight: number): Promise<Sample> {
  const opts = { otel: { enabled: false }, enableMetricsReporting: false };
  const b = registerWorker(url, { workerName: 'bench-b', ...opts });
  const a = registerWorker(url, { workerName: 'bench-a', ...opts });
  b.registerFunction('bench::sdk', async () => ({ ok: true }));
  await new Promise((r) => setTimeout(r, 200));
  const run = (n: number): Promise<Sample> => load(n, inFlight, (k) => a.trigger({ function_id: 'bench::sdk', payload: { n: k } }));
  await run(1000);
  const s = await run(CALLS);
  await a.shutdown();
  await b.shutdown();
  return s;
}

const engine = await startEngine({ logLevel: 'warn', workers: [{ name: 'iii-worker-manager', config: { host: '127.0.0.1', port: 0 } }] });
const url = engine.addresses.worker as string;
console.log(`invoke round trip: ${CALLS} calls per figure, node ${process.version}`);
for (const inFlight of [1, 64]) {
  const relayed = await viaRelay(inFlight);
  const routed = await viaEngine(url, inFlight);
  report(`A → engine → B → A, ${inFlight === 1 ? 'sequential' : `${inFlight} in flight`} (raw protocol clients)`, routed, relayed, {
    subject: 'triad engine',
    baseline: 'bare ws relay',
  });
  console.log(
    `  goals: p50 ≤ 1.3× relay (${(routed.p50 / relayed.p50).toFixed(2)}×), throughput ≥ 0.7× relay (${(routed.throughput / relayed.throughput).toFixed(2)}×)`,
  );
}
for (const inFlight of [1, 64]) {
  const s = await viaSdk(url, inFlight);
  console.log(
    `\nreal iii-sdk on both ends, ${inFlight === 1 ? 'sequential' : `${inFlight} in flight`}: ${s.throughput.toFixed(0)} calls/s, p50 ${s.p50.toFixed(3)} ms, p99 ${s.p99.toFixed(3)} ms`,
  );
}
await engine.stop();
