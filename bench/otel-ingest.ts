/**
 * Telemetry ingestion and trace queries (iii-observability).
 *
 * 1. In-process: `telemetry.ingestFrame` on SDK-shaped frames (5 spans / frame, and 1 log / frame)
 *    vs the floor any implementation pays: `JSON.parse` of the same bodies.
 * 2. Over the wire: frames sent in bursts on a real `/otel` WebSocket until the engine has accepted
 *    them, vs a bare `ws` server that JSON.parses each frame (same client, same bursts).
 * 3. Query: `engine::traces::list` (sort_by duration_ms desc, limit 10) over the stored spans vs a plain
 *    filter + sort of precomputed root objects.
 * Loopback only, bounded counts.
 *
 *   node --import tsx bench/otel-ingest.ts [--frames 20000] [--burst 100] [--queries 30]
 */
import { randomBytes } from 'node:crypto';
import { once } from 'node:events';
import type { AddressInfo } from 'node:net';
import { startEngine } from '@triad/engine';
import WebSocket, { WebSocketServer } from 'ws';
import { report, type Sample, summarise } from './lib/stats.ts';

function arg(name: string, fallback: number): number {
  const i = process.argv.indexOf(`--${name}`);
  return i >= 0 ? Number(process.argv[i + 1]) : fallback;
}
const FRAMES = arg('frames', 20_000);
const BURST = arg('burst', 100);
const QUERIES = arg('queries', 30);
const hex = (n: number): string => randomBytes(n).toString('hex');
const kv = (k: string, v: string): unknown => ({ key: k, value: { stringValue: v } });
const RESOURCE = { attributes: [kv('service.name', 'bench'), kv('telemetry.sdk.language', 'nodejs'), kv('service.instance.id', hex(16))] };

/** A frame shaped like the SDK's: one trace, an `execute` root and 4 children with payload events. */
function spanFrame(i: number): Buffer {
  const traceId = hex(16);
  const rootId = hex(8);
  const t0 = BigInt(Date.now()) * 1_000_000n + BigInt(i);
  const spans = Array.from({ length: 5 }, (_, j) => ({
    traceId,
    spanId: j === 0 ? rootId : hex(8),
    ...(j === 0 ? {} : { parentSpanId: rootId }),
    name: j === 0 ? `execute bench::fn${i % 50}` : `call state::get`,
    kind: 1,
    startTimeUnixNano: String(t0 + BigInt(j * 1000)),
    endTimeUnixNano: String(t0 + BigInt(j * 1000 + ((i * 7919) % 5_000_000))),
    attributes: [kv('a', 'b'), kv('iii.function.id', `bench::fn${i % 50}`)],
    events: [
      {
        name: 'iii.invocation.input',
        timeUnixNano: String(t0),
        attributes: [kv('iii.payload.json', '{"code":"iii"}'), { key: 'iii.payload.truncated', value: { boolValue: false } }],
      },
    ],
    status: { code: 1 },
    links: [],
  }));
  return Buffer.from(
    `OTLP${JSON.stringify({ resourceSpans: [{ resource: RESOURCE, scopeSpans: [{ scope: { name: 'iii-node' }, spans }] }] })}`,
  );
}

function logFrame(i: number): Buffer {
  const t = String(BigInt(Date.now()) * 1_000_000n);
  const rec = {
    timeUnixNano: t,
    observedTimeUnixNano: t,
    severityNumber: 9,
    body: { stringValue: `line ${i}` },
    attributes: [kv('trace_id', hex(16)), { key: 'log.data', value: { kvlistValue: { values: [kv('code', 'iii')] } } }],
    traceId: hex(16),
    spanId: hex(8),
  };
  return Buffer.from(
    `LOGS${JSON.stringify({ resourceLogs: [{ resource: RESOURCE, scopeLogs: [{ scope: { name: 'iii-node' }, logRecords: [rec] }] }] })}`,
  );
}

function timeEach(frames: Buffer[], fn: (b: Buffer) => void): Sample {
  const lat: number[] = [];
  const t0 = performance.now();
  for (const f of frames) {
    const s = performance.now();
    fn(f);
    lat.push(performance.now() - s);
  }
  return summarise(lat, performance.now() - t0);
}

/** Send frames in bursts; after each burst wait (event-loop turns, no timers) until `done(n)`. */
async function pump(url: string, frames: Buffer[], processed: () => Promise<number> | number): Promise<Sample> {
  const ws = new WebSocket(url);
  await once(ws, 'open');
  const base = await processed();
  const lat: number[] = [];
  const t0 = performance.now();
  for (let i = 0; i < frames.length; i += BURST) {
    const s = performance.now();
    const burst = frames.slice(i, i + BURST);
    for (const f of burst) ws.send(f, { binary: true });
    while ((await processed()) - base < i + burst.length) await new Promise((r) => setImmediate(r));
    lat.push(performance.now() - s);
  }
  const elapsed = performance.now() - t0;
  ws.close();
  const s = summarise(lat, elapsed);
  return { ...s, throughput: (frames.length / elapsed) * 1000 };
}

const spanFrames = Array.from({ length: FRAMES }, (_, i) => spanFrame(i));
const logFrames = Array.from({ length: FRAMES }, (_, i) => logFrame(i));
const engine = await startEngine({
  logLevel: 'warn',
  workers: [
    { name: 'iii-worker-manager', config: { host: '127.0.0.1', port: 0 } },
    { name: 'iii-observability', config: { logs_console_output: false, logs_max_count: FRAMES * 4 } },
  ],
});
const telemetry = engine.api.services.get('telemetry')!;
const parseBody = (b: Buffer): void => void JSON.parse(b.subarray(4).toString('utf8'));

console.log(`otel-ingest: ${FRAMES} frames per run, bursts of ${BURST}`);
report(
  'in-process ingest, span frames (5 spans each): ops = frames',
  timeEach(spanFrames, (b) => telemetry.ingestFrame(b, {})),
  timeEach(spanFrames, parseBody),
  { subject: 'ingestFrame', baseline: 'JSON.parse' },
);
report(
  'in-process ingest, log frames (1 record each): ops = frames',
  timeEach(logFrames, (b) => telemetry.ingestFrame(b, {})),
  timeEach(logFrames, parseBody),
  { subject: 'ingestFrame', baseline: 'JSON.parse' },
);

const accepted = async (): Promise<number> => {
  const h = (await engine.api.invoke('engine::health::check', {})) as { components: { otel: { details: { frames_accepted: number } } } };
  return h.components.otel.details.frames_accepted;
};
const bare = new WebSocketServer({ host: '127.0.0.1', port: 0 });
await once(bare, 'listening');
let bareCount = 0;
bare.on('connection', (ws) =>
  ws.on('message', (d: Buffer) => {
    parseBody(d);
    bareCount++;
  }),
);
const wire = await pump(`${engine.addresses.worker}/otel`, spanFrames, accepted);
const wireBase = await pump(`ws://127.0.0.1:${(bare.address() as AddressInfo).port}/otel`, spanFrames, () => bareCount);
report(`over /otel, span frames: ops = frames, latency = one burst of ${BURST}`, wire, wireBase, {
  subject: 'engine /otel',
  baseline: 'bare ws + JSON.parse',
});

// Query over everything stored so far (3 × FRAMES traces, 5 spans each).
const roots = Array.from({ length: FRAMES * 3 }, (_, i) => ({
  name: `execute bench::fn${i % 50}`,
  duration: (i * 7919) % 5_000_000,
  start: i,
}));
const q: number[] = [];
const qb: number[] = [];
let t = performance.now();
for (let i = 0; i < QUERIES; i++) {
  const s = performance.now();
  await engine.api.invoke('engine::traces::list', { sort_by: 'duration_ms', sort_order: 'desc', limit: 10 });
  q.push(performance.now() - s);
}
const qs = summarise(q, performance.now() - t);
t = performance.now();
for (let i = 0; i < QUERIES; i++) {
  const s = performance.now();
  roots
    .filter((r) => r.name.startsWith('execute'))
    .sort((a, b) => b.duration - a.duration || a.start - b.start)
    .slice(0, 10);
  qb.push(performance.now() - s);
}
const stored = ((await engine.api.invoke('engine::health::check', {})) as { components: { spans: { details: { stored: number } } } })
  .components.spans.details.stored;
report(`traces::list sort_by=duration_ms desc limit=10 over ${stored} spans: ops = queries`, qs, summarise(qb, performance.now() - t), {
  subject: 'engine::traces::list',
  baseline: 'array filter+sort',
});

bare.close();
await engine.stop();
