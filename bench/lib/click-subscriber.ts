/**
 * A `clicks`/`all` stream subscriber in its own process (forked by bench/lib/click-catchup.ts): counts
 * click events (`create`, or `update` when two clicks of a code share a millisecond and so an item id)
 * and, for each, the latency from the click's `clicked_at` (stamped by http::redirect) to its arrival here.
 * IPC: sends `{ ready: true }` once joined; answers `'report'` with `{ count, latencies }` (latencies since
 * the previous report).
 */
import WebSocket from 'ws';

const url = process.argv[2] ?? '';
const ws = new WebSocket(url, { perMessageDeflate: false });
let count = 0;
let latencies: number[] = [];
let joined = false;

ws.on('open', () => {
  ws.send(JSON.stringify({ type: 'join', data: { subscriptionId: `bench-catchup-${process.pid}`, streamName: 'clicks', groupId: 'all' } }));
});
ws.on('message', (raw) => {
  const m = JSON.parse(String(raw)) as { type?: string; event?: { type?: string; data?: { clicked_at?: unknown } } };
  if (m.type !== 'stream') return;
  if (!joined) {
    joined = true;
    process.send?.({ ready: true });
  }
  const kind = m.event?.type;
  if (kind !== 'create' && kind !== 'update') return;
  count++;
  const at = typeof m.event?.data?.clicked_at === 'string' ? Date.parse(m.event.data.clicked_at) : Number.NaN;
  if (Number.isFinite(at)) latencies.push(Date.now() - at);
});
ws.on('close', () => process.exit(0));
process.on('message', (msg) => {
  if (msg !== 'report') return;
  process.send?.({ count, latencies });
  latencies = [];
});
process.on('disconnect', () => ws.close());
