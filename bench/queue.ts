/**
 * Queue throughput and latency: 20,000 jobs, concurrency 10, enqueue → processed.
 *
 * Triad: a real iii-sdk worker enqueues with `TriggerAction.Enqueue` and handles the jobs; the engine
 * runs in its own process (as Redis does for BullMQ) with the durable SQLite store (WAL, committed
 * before each enqueue is acknowledged). Baseline: BullMQ on the local Redis 127.0.0.1:6379 doing the
 * same jobs (Queue.add per job, Worker concurrency 10), measured in the same run. Also the Triad
 * queue on the `rabbitmq` adapter (RabbitMQ 127.0.0.1:5672: publisher confirms before each enqueue is
 * acknowledged, manual acks after each job), one engine and then two engines sharing the queue (one
 * worker each, enqueues alternating between them). And the `redis` adapter (the same Redis BullMQ uses: each
 * enqueue acknowledged once its Lua script ran, acks after each job), one engine and then two.
 *
 * Run: node --import tsx bench/queue.ts [jobs]   (npm run bench -- queue)
 * QUEUE_BENCH=redis (or rabbitmq) runs only that adapter, still beside BullMQ and the builtin in the same run.
 */
import { type ChildProcess, spawn } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createInterface } from 'node:readline';
import { connect } from 'amqplib';
import { Queue, Worker } from 'bullmq';
import { registerWorker, TriggerAction } from 'iii-sdk';
import { Redis } from 'ioredis';

const JOBS = Number(process.argv[2] ?? 20_000);
const WARMUP = 1_000;
const CONCURRENCY = 10;
/** Enqueues in flight at once (the same for both systems). */
const OUTSTANDING = 500;
const CHILD = new URL('../test/e2e/queue/fixtures/engine-child.ts', import.meta.url).pathname;
const AMQP_URL = process.env.AMQP_URL ?? 'amqp://guest:guest@127.0.0.1:5672';
const REDIS_URL = process.env.REDIS_URL ?? 'redis://127.0.0.1:6379';
const ONLY = process.env.QUEUE_BENCH;

interface Result {
  jobsPerSec: number;
  p50: number;
  p99: number;
}

interface System {
  enqueue(i: number): Promise<unknown>;
  /** Register the per-job completion callback. */
  onDone(cb: (i: number) => void): void;
}

function percentile(sorted: number[], p: number): number {
  return sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))] ?? Number.NaN;
}

/** Enqueue `n` jobs (ids offset..offset+n) with bounded concurrency; resolve when all are processed. */
async function drive(sys: System, offset: number, n: number): Promise<Result> {
  const started = new Float64Array(n);
  const latency: number[] = [];
  let done = 0;
  let finish!: () => void;
  const allDone = new Promise<void>((r) => {
    finish = r;
  });
  sys.onDone((id) => {
    const i = id - offset;
    if (i < 0 || i >= n) return;
    latency.push(performance.now() - started[i]!);
    if (++done === n) finish();
  });
  const t0 = performance.now();
  let next = 0;
  const producer = async (): Promise<void> => {
    for (let i = next++; i < n; i = next++) {
      started[i] = performance.now();
      await sys.enqueue(offset + i);
    }
  };
  await Promise.all(Array.from({ length: OUTSTANDING }, producer));
  await allDone;
  const secs = (performance.now() - t0) / 1000;
  latency.sort((a, b) => a - b);
  return { jobsPerSec: n / secs, p50: percentile(latency, 50), p99: percentile(latency, 99) };
}

type Adapter =
  | { name: 'builtin'; config: { store_method: 'file_based'; synchronous: 'normal' | 'full' } }
  | { name: 'rabbitmq'; config: { amqp_url: string } }
  | { name: 'redis'; config: { redis_url: string; key_prefix: string } };

function spawnEngine(dir: string, queue: string, adapter: Adapter): Promise<{ child: ChildProcess; url: string }> {
  const queues = { [queue]: { concurrency: CONCURRENCY } };
  const args = ['--import', 'tsx', CHILD, dir, '0', JSON.stringify(queues), JSON.stringify(adapter)];
  const child = spawn(process.execPath, args, { stdio: ['ignore', 'pipe', 'inherit'] });
  return new Promise((resolve, reject) => {
    createInterface({ input: child.stdout! }).on('line', (line) => {
      if (line.startsWith('READY ')) resolve({ child, url: line.slice(6) });
    });
    child.once('exit', (code) => reject(new Error(`engine exited (${code})`)));
  });
}

/** `engines` engine processes on one adapter, one worker each; enqueues alternate between them. */
async function benchTriad(adapter: Adapter, engines = 1): Promise<Result> {
  const queue = adapter.name === 'rabbitmq' ? `bench-${randomUUID().slice(0, 8)}` : 'bench';
  const nodes = await Promise.all(
    Array.from({ length: engines }, async () => {
      const dir = mkdtempSync(join(tmpdir(), 'bench-queue-'));
      return { dir, ...(await spawnEngine(dir, queue, adapter)) };
    }),
  );
  let onDone: (i: number) => void = () => {};
  const workers = nodes.map(({ url }) => {
    const w = registerWorker(url, { workerName: 'bench', otel: { enabled: false }, enableMetricsReporting: false });
    w.registerFunction('bench::job', async (data: { i: number }) => {
      onDone(data.i);
      return null;
    });
    return w;
  });
  const sys: System = {
    enqueue: (i) =>
      (workers[i % workers.length] as (typeof workers)[number]).trigger({
        function_id: 'bench::job',
        payload: { i },
        action: TriggerAction.Enqueue({ queue }),
      }),
    onDone: (cb) => {
      onDone = cb;
    },
  };
  try {
    await drive(sys, 0, WARMUP);
    return await drive(sys, WARMUP, JOBS);
  } finally {
    for (const w of workers) await w.shutdown();
    for (const { child, dir } of nodes) {
      child.kill('SIGTERM');
      await new Promise((r) => child.once('exit', r));
      rmSync(dir, { recursive: true, force: true });
    }
    if (adapter.name === 'rabbitmq') await deleteAmqpQueue(queue);
    if (adapter.name === 'redis') await deleteRedisKeys(adapter.config.key_prefix);
  }
}

async function deleteRedisKeys(prefix: string): Promise<void> {
  const redis = new Redis(REDIS_URL);
  const keys = await redis.keys(`${prefix}*`);
  if (keys.length > 0) await redis.del(...keys);
  redis.disconnect();
}

const redisAdapter = (): Adapter => ({ name: 'redis', config: { redis_url: REDIS_URL, key_prefix: `bench-${randomUUID().slice(0, 8)}:` } });

/** The benchmark's named queue on the broker (main queue, DLQ, delay queues, exchange). */
async function deleteAmqpQueue(queue: string): Promise<void> {
  const conn = await connect(AMQP_URL);
  const ch = await conn.createChannel();
  const n = `iii.__fn_queue::${queue}`;
  for (const q of [`${n}.queue`, `${n}::dlq.queue`, `${n}::retry.1000ms.queue`, `${n}::retry.2000ms.queue`]) await ch.deleteQueue(q);
  await ch.deleteExchange(n);
  await conn.close();
}

async function benchBullmq(): Promise<Result> {
  const connection = { host: '127.0.0.1', port: 6379, maxRetriesPerRequest: null };
  const name = `bench-${randomUUID().slice(0, 8)}`;
  const queue = new Queue(name, { connection });
  let onDone: (i: number) => void = () => {};
  const worker = new Worker(
    name,
    async (job) => {
      onDone((job.data as { i: number }).i);
      return null;
    },
    { connection, concurrency: CONCURRENCY },
  );
  const sys: System = {
    enqueue: (i) => queue.add('job', { i }, { removeOnComplete: true, removeOnFail: true }),
    onDone: (cb) => {
      onDone = cb;
    },
  };
  try {
    await worker.waitUntilReady();
    await drive(sys, 0, WARMUP);
    return await drive(sys, WARMUP, JOBS);
  } finally {
    await worker.close();
    await queue.obliterate({ force: true });
    await queue.close();
  }
}

function row(name: string, r: Result): string {
  return `${name.padEnd(34)} ${r.jobsPerSec.toFixed(0).padStart(8)} jobs/s   p50 ${r.p50.toFixed(1).padStart(8)} ms   p99 ${r.p99.toFixed(1).padStart(8)} ms`;
}

const bull = await benchBullmq();
const triad = await benchTriad({ name: 'builtin', config: { store_method: 'file_based', synchronous: 'normal' } });
const ratio = (r: Result, base: Result): string =>
  `throughput ${(r.jobsPerSec / base.jobsPerSec).toFixed(2)}×, p99 ${(base.p99 / r.p99).toFixed(2)}× (higher is better)`;
const lines = [
  `queue: ${JOBS} jobs, concurrency ${CONCURRENCY}, ${OUTSTANDING} enqueues in flight (after ${WARMUP} warm-up jobs)`,
  row('BullMQ (Redis 127.0.0.1:6379)', bull),
  row('Triad queue (SQLite WAL, durable)', triad),
];
const ratios = [`ratio Triad/BullMQ:            ${ratio(triad, bull)}`];
if (!ONLY) {
  const triadFsync = await benchTriad({ name: 'builtin', config: { store_method: 'file_based', synchronous: 'full' } });
  lines.push(row('Triad queue (WAL + fsync per commit)', triadFsync));
  ratios.push(`ratio Triad fsync/BullMQ:      ${ratio(triadFsync, bull)}`);
}
if (!ONLY || ONLY === 'rabbitmq') {
  const rabbit = await benchTriad({ name: 'rabbitmq', config: { amqp_url: AMQP_URL } });
  const rabbit2 = await benchTriad({ name: 'rabbitmq', config: { amqp_url: AMQP_URL } }, 2);
  lines.push(row('Triad queue (RabbitMQ, 1 engine)', rabbit), row('Triad queue (RabbitMQ, 2 engines)', rabbit2));
  ratios.push(
    `ratio RabbitMQ/BullMQ:         ${ratio(rabbit, bull)}`,
    `ratio RabbitMQ/builtin:        ${ratio(rabbit, triad)}`,
    `ratio RabbitMQ 2 engines/1:    ${ratio(rabbit2, rabbit)}`,
  );
}
if (!ONLY || ONLY === 'redis') {
  const redis = await benchTriad(redisAdapter());
  const redis2 = await benchTriad(redisAdapter(), 2);
  lines.push(row('Triad queue (Redis, 1 engine)', redis), row('Triad queue (Redis, 2 engines)', redis2));
  ratios.push(
    `ratio Redis/BullMQ:            ${ratio(redis, bull)}`,
    `ratio Redis/builtin:           ${ratio(redis, triad)}`,
    `ratio Redis 2 engines/1:       ${ratio(redis2, redis)}`,
  );
}
console.log([...lines, ...ratios].join('\n'));
process.exit(0);
