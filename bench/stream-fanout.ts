/**
 * Stream fan-out: `stream::set` → N WebSocket subscribers of one group (deliveries/s and set-to-receive
 * latency), beside a bare `ws` server broadcasting the same wrapper JSON to the same number of clients,
 * in the same run, with the same load driver.
 *
 * Layout: the engine (or the bare server) and the driver run in this process; the subscribers live in
 * child processes (so client-side parsing does not share an event loop with the server). Writes go out
 * in bursts; the next burst starts once every subscriber has received the previous one. Latency is
 * measured from just before the write (`sent_at` in the payload) to the client's receipt. Loopback only,
 * bounded counts.
 *
 * `--across-redis`: the subject is two engines on the redis adapter (writes on A, subscribers on B, each
 * frame through Redis), the baseline one engine on the default in-process kv adapter (needs Redis).
 *
 *   node --import tsx bench/stream-fanout.ts [--subscribers 1000] [--sets 1000] [--burst 10] [--latency-sets 200] [--rounds 2] [--children 2] [--across-redis]
 */
import { type ChildProcess, fork } from 'node:child_process';
import { once } from 'node:events';
import type { AddressInfo } from 'node:net';
import { fileURLToPath } from 'node:url';
import { startEngine } from '@triad/engine';
import WebSocket, { WebSocketServer } from 'ws';
import { uniqueName } from '../test/helpers/names.ts';
import { dropPrefix, redisAdapter } from '../test/helpers/redis-engines.ts';
import { report, type Sample, summarise } from './lib/stats.ts';

function arg(name: string, fallback: number): number {
  const i = process.argv.indexOf(`--${name}`);
  return i >= 0 ? Number(process.argv[i + 1]) : fallback;
}

const SUBSCRIBERS = arg('subscribers', 1000);
const SETS = arg('sets', 1000);
const BURST = arg('burst', 10);
/** Writes in the latency phase: one at a time, each fully delivered before the next (no queueing). */
const LATENCY_SETS = arg('latency-sets', 200);
/** Rounds alternate baseline and triad; each side keeps its best round (less noise from other load). */
const ROUNDS = arg('rounds', 2);
const CHILDREN = arg('children', 2);
const WARMUP_SETS = Math.min(100, SETS);
const STREAM = 'clicks';
const GROUP = 'all';
const ACROSS = process.argv.includes('--across-redis');

const now = (): number => performance.timeOrigin + performance.now();

// ------------------------------------------------------------------------------------------------
// Child: a pool of subscriber sockets
// ------------------------------------------------------------------------------------------------

type ToChild =
  | { cmd: 'connect'; url: string; count: number; join: boolean }
  | { cmd: 'await'; total: number }
  | { cmd: 'report' }
  | { cmd: 'close' };
type FromChild = { ready: true } | { reached: number } | { latencies: number[] };

function runChild(): void {
  const sockets: WebSocket[] = [];
  let received = 0;
  let waitingFor = Number.POSITIVE_INFINITY;
  let latencies: number[] = [];
  const send = (m: FromChild): void => {
    process.send?.(m);
  };
  const onFrame = (data: WebSocket.RawData): void => {
    const t = now();
    const frame = JSON.parse(String(data)) as { event: { type: string; data?: { sent_at?: number } } };
    if (frame.event.type === 'sync') return;
    latencies.push(t - (frame.event.data?.sent_at ?? t));
    received++;
    if (received >= waitingFor) {
      waitingFor = Number.POSITIVE_INFINITY;
      send({ reached: received });
    }
  };
  const connect = async (url: string, count: number, join: boolean): Promise<void> => {
    for (let i = 0; i < count; i++) {
      const ws = new WebSocket(url);
      await once(ws, 'open');
      if (join) {
        const synced = once(ws, 'message');
        ws.send(JSON.stringify({ type: 'join', data: { subscriptionId: `s${i}`, streamName: STREAM, groupId: GROUP } }));
        await synced;
      }
      ws.on('message', onFrame);
      sockets.push(ws);
    }
    send({ ready: true });
  };
  process.on('message', (m: ToChild) => {
    if (m.cmd === 'connect') void connect(m.url, m.count, m.join);
    else if (m.cmd === 'await') {
      if (received >= m.total) send({ reached: received });
      else waitingFor = m.total;
    } else if (m.cmd === 'report') {
      send({ latencies });
      latencies = [];
    } else {
      for (const ws of sockets) ws.terminate();
      process.exit(0);
    }
  });
}

// ------------------------------------------------------------------------------------------------
// Parent: drive one server kind through the children
// ------------------------------------------------------------------------------------------------

function request<T extends FromChild>(child: ChildProcess, msg: ToChild, pick: (m: FromChild) => m is T): Promise<T> {
  return new Promise((resolve) => {
    const onMessage = (m: FromChild): void => {
      if (!pick(m)) return;
      child.off('message', onMessage);
      resolve(m);
    };
    child.on('message', onMessage);
    child.send(msg);
  });
}

const isReady = (m: FromChild): m is { ready: true } => 'ready' in m;
const isReached = (m: FromChild): m is { reached: number } => 'reached' in m;
const isReport = (m: FromChild): m is { latencies: number[] } => 'latencies' in m;

interface Pool {
  children: ChildProcess[];
  perChild: number[];
  delivered: number[];
}

async function openPool(url: string, join: boolean): Promise<Pool> {
  const self = fileURLToPath(import.meta.url);
  const children = Array.from({ length: CHILDREN }, () => fork(self, ['--child'], { execArgv: ['--import', 'tsx'] }));
  const perChild = children.map((_, i) => Math.floor(SUBSCRIBERS / CHILDREN) + (i < SUBSCRIBERS % CHILDREN ? 1 : 0));
  await Promise.all(children.map((c, i) => request(c, { cmd: 'connect', url, count: perChild[i]!, join }, isReady)));
  return { children, perChild, delivered: children.map(() => 0) };
}

async function closePool(pool: Pool): Promise<void> {
  await Promise.all(
    pool.children.map(async (c) => {
      const exited = once(c, 'exit');
      c.send({ cmd: 'close' } satisfies ToChild);
      await exited;
    }),
  );
}

/** Issue `sets` writes in bursts; each burst waits until every subscriber has it. */
async function drive(
  pool: Pool,
  sets: number,
  write: (n: number, sentAt: number) => Promise<void> | void,
  burstSize = BURST,
): Promise<Sample & { cpuMsPerWrite: number }> {
  const t0 = performance.now();
  // CPU of this process (the server) over the phase: the full server-side cost per event, whatever
  // event-loop turn it lands in. The driver's IPC bookkeeping is the same for both servers.
  const cpu0 = process.cpuUsage();
  for (let n = 0; n < sets; n += burstSize) {
    const burst = Math.min(burstSize, sets - n);
    for (let k = 0; k < burst; k++) await write(n + k, now());
    await Promise.all(
      pool.children.map((c, i) => {
        pool.delivered[i]! += burst * pool.perChild[i]!;
        return request(c, { cmd: 'await', total: pool.delivered[i]! }, isReached);
      }),
    );
  }
  const elapsed = performance.now() - t0;
  const cpu = process.cpuUsage(cpu0);
  const reports = await Promise.all(pool.children.map((c) => request(c, { cmd: 'report' }, isReport)));
  return {
    ...summarise(
      reports.flatMap((r) => r.latencies),
      elapsed,
    ),
    cpuMsPerWrite: (cpu.user + cpu.system) / 1000 / sets,
  };
}

interface Phases {
  /** Bursts of BURST writes: deliveries/s (latency includes queueing behind the burst). */
  burst: Sample & { cpuMsPerWrite: number };
  /** One write at a time: the fan-out latency of a single write to every subscriber. */
  paced: Sample & { cpuMsPerWrite: number };
}

/** Best throughput round for the burst phase, best p99 round for the latency phase. */
function best(a: Phases | undefined, b: Phases): Phases {
  if (!a) return b;
  return { burst: a.burst.throughput >= b.burst.throughput ? a.burst : b.burst, paced: a.paced.p99 <= b.paced.p99 ? a.paced : b.paced };
}

const payload = (n: number, sentAt: number) => ({ code: `c${n % 97}`, clicked_at: new Date().toISOString(), sent_at: sentAt });

/** One engine (default kv adapter), or with `across` two on Redis: writes on `engine`, subscribers on the other. */
async function benchTriad(across = false): Promise<Phases> {
  const prefix = `${uniqueName('triad-bench')}:`;
  const adapter = across ? { adapter: redisAdapter(prefix) } : {};
  const start = () =>
    startEngine({
      logLevel: 'warn',
      workers: [
        { name: 'iii-worker-manager', config: { host: '127.0.0.1', port: 0 } },
        { name: 'iii-stream', config: { host: '127.0.0.1', port: 0, ...adapter } },
      ],
    });
  const engine = await start();
  const other = across ? await start() : engine;
  const pool = await openPool(other.addresses.stream!, true);
  try {
    const write = async (n: number, sentAt: number): Promise<void> => {
      await engine.api.invoke('stream::set', { stream_name: STREAM, group_id: GROUP, item_id: `i${n}`, data: payload(n, sentAt) });
    };
    await drive(pool, WARMUP_SETS, (n, t) => write(-1 - n, t));
    return { burst: await drive(pool, SETS, write), paced: await drive(pool, LATENCY_SETS, (n, t) => write(SETS + n, t), 1) };
  } finally {
    await closePool(pool);
    await engine.stop();
    if (across) await Promise.all([other.stop(), dropPrefix(prefix)]);
  }
}

async function benchBareWs(): Promise<Phases> {
  const wss = new WebSocketServer({ host: '127.0.0.1', port: 0 });
  await once(wss, 'listening');
  const pool = await openPool(`ws://127.0.0.1:${(wss.address() as AddressInfo).port}`, false);
  try {
    // The strongest bare broadcast: serialize and encode once, send the same bytes as a text frame to all.
    const write = (n: number, sentAt: number): void => {
      const event = { type: 'create', data: payload(n, sentAt) };
      const frame = Buffer.from(
        JSON.stringify({ type: 'stream', timestamp: Date.now(), streamName: STREAM, groupId: GROUP, id: `i${n}`, event }),
      );
      for (const ws of wss.clients) ws.send(frame, { binary: false });
    };
    await drive(pool, WARMUP_SETS, write);
    return { burst: await drive(pool, SETS, write), paced: await drive(pool, LATENCY_SETS, write, 1) };
  } finally {
    await closePool(pool);
    await new Promise<void>((r) => wss.close(() => r()));
  }
}

async function main(): Promise<void> {
  console.log(
    `stream fan-out: ${SETS} + ${LATENCY_SETS} writes × ${SUBSCRIBERS} subscribers (one group), ${CHILDREN} client processes, best of ${ROUNDS} rounds`,
  );
  let baseline: Phases | undefined;
  let triad: Phases | undefined;
  for (let r = 0; r < ROUNDS; r++) {
    baseline = best(baseline, await (ACROSS ? benchTriad() : benchBareWs()));
    triad = best(triad, await benchTriad(ACROSS));
  }
  if (!baseline || !triad) return;
  // One latency sample per delivery, so `throughput` reads as deliveries/s (writes/s × subscribers).
  const labels = ACROSS
    ? { subject: 'A → redis → B', baseline: 'one engine (kv)' }
    : { subject: 'triad stream::set', baseline: 'bare ws broadcast' };
  report(`throughput phase (bursts of ${BURST}): deliveries/s, set-to-receive latency (ms)`, triad.burst, baseline.burst, labels);
  report(`latency phase (${LATENCY_SETS} writes, one at a time): set-to-receive latency (ms)`, triad.paced, baseline.paced, labels);
  const wt = Math.min(triad.burst.cpuMsPerWrite, triad.paced.cpuMsPerWrite);
  const wb = Math.min(baseline.burst.cpuMsPerWrite, baseline.paced.cpuMsPerWrite);
  console.log(
    `\nserver process CPU ms per event (${SUBSCRIBERS} sockets): triad ${wt.toFixed(2)}   bare ${wb.toFixed(2)}   ratio ${(wt / wb).toFixed(2)}×`,
  );
  if (ACROSS) return;
  const ratio = triad.burst.throughput / baseline.burst.throughput;
  const p99 = triad.paced.p99;
  console.log(
    `\ngoals: deliveries ≥ 0.7× baseline → ${ratio.toFixed(2)}× ${ratio >= 0.7 ? 'OK' : 'MISSED'}; p99 < 50 ms (one write to all) → ${p99.toFixed(1)} ms ${p99 < 50 ? 'OK' : 'MISSED'}`,
  );
}

if (process.argv.includes('--child')) runChild();
else await main();
