/**
 * The queue backends through the shared suite (`queue-backend-suite.ts`), plus what only a shared
 * broker has: several engines on one queue, a consumer dying mid-job, reconnection, start errors.
 * Filter with `QUEUE_BACKENDS=builtin` (or `rabbitmq`, `redis`). `rabbitmq` runs against AMQP_URL (default
 * amqp://guest:guest@127.0.0.1:5672) with unique queue names per test, deleted afterwards; `redis` against
 * REDIS_URL (default redis://127.0.0.1:6379) under a key prefix unique to the run, deleted afterwards. Each is
 * skipped, saying so, when its service is unreachable, and fails under CI=true.
 */
import assert from 'node:assert/strict';
import { type AddressInfo, createServer, connect as netConnect, type Server, type Socket } from 'node:net';
import { test } from 'node:test';
import { createLogger } from '@triad/engine';
import {
  allQueues,
  BuiltinQueueBackend,
  type ConsumerSpec,
  type Delivery,
  type QueueRef,
  RabbitMqQueueBackend,
  RedisQueueBackend,
} from '@triad/engine/internal';
import { connect } from 'amqplib';
import { uniqueName } from '../helpers/names.ts';
import { AMQP_URL, deleteRedisKeys, REDIS_URL, rabbitmqSkip, redisSkip } from '../helpers/services.ts';
import { waitFor } from '../helpers/wait.ts';
import { type QueueBackendKind, queueBackendConformance, type SuiteTools } from './queue-backend-suite.ts';

const wanted = process.env.QUEUE_BACKENDS?.split(',');
const log = createLogger('queue-backend-conformance', { level: (process.env.TEST_LOG as 'debug') ?? 'silent' });

/** Delete every queue and exchange the test used (topic exchanges through their parking ref). */
async function deleteTopology(used: Array<{ ref: QueueRef; spec: ConsumerSpec }>): Promise<void> {
  const conn = await connect(AMQP_URL);
  try {
    const ch = await conn.createChannel();
    const refs = [...used];
    for (const { ref, spec } of used) if (ref.kind === 'subscription') refs.push({ ref: { kind: 'parked', topic: ref.topic }, spec });
    for (const { ref, spec } of refs) {
      const { queues, exchanges } = allQueues(ref, spec);
      for (const q of queues) await ch.deleteQueue(q);
      for (const e of exchanges) await ch.deleteExchange(e);
    }
    await ch.close();
  } finally {
    await conn.close();
  }
}

const named = (name: string): QueueRef => ({ kind: 'named', name });
/** Every function id counts as present: these cases exercise the broker link, not function presence. */
const allFunctions = { has: () => true, onChange: () => () => {} };
/** One consumer slot, one attempt, no backoff: a delivery is observable at once. */
const oneAttempt = { concurrency: 1, pollIntervalMs: 50, maxAttempts: 1, backoff: { type: 'fixed' as const, delay: 0 } };

/** Cases every shared backend has: several engines on one queue. */
function sharedCases({ withInstances, job }: SuiteTools): void {
  test('two engines share a queue: jobs spread over both, each handled once', () =>
    withInstances(2, async (a, b) => {
      const q = uniqueName('q');
      const seen = new Map<string, string>();
      const started = { a: 0, b: 0 };
      let twice = false;
      const handler = (who: 'a' | 'b') => async (j: Delivery) => {
        started[who]++;
        // Hold the first jobs until both engines have one: the broker must have spread them.
        await waitFor(() => started.a > 0 && started.b > 0, { what: 'both engines busy' });
        if (seen.has(j.id)) twice = true;
        seen.set(j.id, who);
      };
      await a.consume(named(q), { concurrency: 2, handle: handler('a') });
      await b.consume(named(q), { concurrency: 2, handle: handler('b') });
      for (let i = 0; i < 40; i++) await a.backend.enqueue(job(q, i));
      await waitFor(() => seen.size === 40, { what: '40 jobs' });
      assert.equal(twice, false);
      const counts = [...seen.values()].reduce((m, w) => m.set(w, (m.get(w) ?? 0) + 1), new Map<string, number>());
      assert.ok((counts.get('a') ?? 0) > 0 && (counts.get('b') ?? 0) > 0, `spread: ${JSON.stringify([...counts])}`);
    }));

  test('an engine that dies mid-job (connection closed, no ack): the job is redelivered to the other', () =>
    withInstances(2, async (a, b) => {
      const q = uniqueName('q');
      const runs: Array<{ who: string; attempts: number }> = [];
      const handler = (who: string) => async (j: Delivery) => {
        runs.push({ who, attempts: j.attempts });
        if (runs.length === 1) await new Promise(() => {}); // the first run never finishes
      };
      await a.consume(named(q), { handle: handler('a') });
      await b.consume(named(q), { handle: handler('b') });
      await b.backend.enqueue(job(q, 1));
      await waitFor(() => runs.length === 1, { what: 'first run' });
      const first = runs[0]?.who;
      await (first === 'a' ? a : b).backend.close();
      await waitFor(() => runs.length === 2, { what: 'redelivery' });
      assert.deepEqual(runs[1], { who: first === 'a' ? 'b' : 'a', attempts: 0 });
    }));

  test('FIFO across engines: one engine runs the queue; when it dies mid-job the other takes over, in order', () =>
    withInstances(2, async (a, b) => {
      const q = uniqueName('q');
      const runs: Array<{ who: string; n: number }> = [];
      const handler = (who: string) => async (j: Delivery) => {
        runs.push({ who, n: (j.data as { n: number }).n });
        if (runs.length === 1) await new Promise(() => {}); // the first engine dies holding job 0
      };
      await a.consume(named(q), { fifo: true, concurrency: 2, handle: handler('a') });
      await b.consume(named(q), { fifo: true, concurrency: 2, handle: handler('b') });
      for (let n = 0; n < 5; n++) await a.backend.enqueue(job(q, n, { data: { n }, id: `g${n}`, groupKey: 'g' }));
      await waitFor(() => runs.length === 1, { what: 'job 0 started' });
      const first = runs[0]?.who;
      await (first === 'a' ? a : b).backend.close();
      await waitFor(() => runs.length === 6, { what: 'the other engine runs the group' });
      const other = first === 'a' ? 'b' : 'a';
      assert.deepEqual(
        runs.slice(1),
        [0, 1, 2, 3, 4].map((n) => ({ who: other, n })),
      );
    }));
}

/** RabbitMQ's link: reconnection, refused publishes, start errors, outages. */
function rabbitCases(tools: SuiteTools): void {
  sharedCases(tools);
  const { withInstances, job } = tools;
  test('after a dropped connection: reconnects, consumers resume, an enqueue made during the outage waits and lands', () =>
    withInstances(1, async (a) => {
      const q = uniqueName('q');
      const got: string[] = [];
      await a.consume(named(q), { handle: async (j) => void got.push(j.id) });
      await a.backend.enqueue(job(q, 1));
      await waitFor(() => got.length === 1);
      const link = (a.backend as RabbitMqQueueBackend).link;
      const conn = await link.connection('test');
      // Kill the TCP socket under amqplib, as a broker restart or a network cut would.
      (conn as unknown as { connection: { stream: { destroy(e: Error): void } } }).connection.stream.destroy(new Error('network cut'));
      await waitFor(() => !link.connected, { what: 'link down' });
      await a.backend.enqueue(job(q, 2)); // resolves only on the broker's confirm, after the reconnect
      await waitFor(() => got.includes('m-2'), { what: 'delivered after reconnect' });
      // m-1's ack may have been lost with the socket: at-least-once allows it again, nothing else.
      assert.deepEqual([...new Set(got)].sort(), ['m-1', 'm-2']);
    }));

  test('a publish the broker refuses (exchange gone) fails with a code and does not stall later publishes', async () => {
    const backend = new RabbitMqQueueBackend({ url: AMQP_URL, publishTimeoutMs: 300, functions: allFunctions, log });
    const q = uniqueName('q');
    const spec = oneAttempt;
    const got: string[] = [];
    try {
      await backend.start();
      await backend.consume(named(q), { ...spec, handle: async (j) => void got.push(j.id) });
      await assert.rejects(
        backend.link.publish(uniqueName('no-such-exchange'), 'x', Buffer.from('{}'), {}),
        (e: { code?: string }) => e.code === 'E_QUEUE_AMQP_UNAVAILABLE',
      );
      await backend.enqueue(job(q, 1));
      await waitFor(() => got.length === 1, { what: 'a publish after the refused one' });
    } finally {
      await backend.close();
      await deleteTopology([{ ref: named(q), spec: { ...spec, handle: async () => {} } }]);
    }
  });

  test('start fails with E_QUEUE_AMQP_CONNECT naming RabbitMQ and the URL (without its password)', async () => {
    const backend = new RabbitMqQueueBackend({
      url: 'amqp://guest:secret@127.0.0.1:1',
      functions: allFunctions,
      log,
    });
    await assert.rejects(
      backend.start(),
      (e: { code?: string; message?: string }) =>
        e.code === 'E_QUEUE_AMQP_CONNECT' && /RabbitMQ at amqp:\/\/guest:\*\*\*@127\.0\.0\.1:1/.test(String(e.message)),
    );
    await backend.close();
  });

  test('during an outage an enqueue fails with E_QUEUE_AMQP_UNAVAILABLE after publish_timeout_ms; after it, work resumes', async () => {
    const proxy = await tcpProxy(new URL(AMQP_URL));
    const url = new URL(AMQP_URL);
    url.port = String(proxy.port);
    const backend = new RabbitMqQueueBackend({ url: url.toString(), publishTimeoutMs: 300, functions: allFunctions, log });
    const q = uniqueName('q');
    const spec = oneAttempt;
    const got: string[] = [];
    try {
      await backend.start();
      await backend.consume(named(q), { ...spec, handle: async (j) => void got.push(j.id) });
      await proxy.down();
      await waitFor(() => !backend.link.connected, { what: 'link down' });
      await assert.rejects(backend.enqueue(job(q, 1)), (e: { code?: string }) => e.code === 'E_QUEUE_AMQP_UNAVAILABLE');
      await proxy.up();
      await waitFor(() => backend.link.connected, { what: 'reconnected', timeoutMs: 15_000 });
      await backend.enqueue(job(q, 2));
      await waitFor(() => got.length === 1, { what: 'consumer resumed' });
      assert.deepEqual(got, ['m-2']);
    } finally {
      await backend.close();
      await proxy.down();
      await deleteTopology([{ ref: named(q), spec: { ...spec, handle: async () => {} } }]);
    }
  });
}

/** Redis: a dead engine's lease ends and another engine runs the job; start and outage errors. */
function redisCases(tools: SuiteTools): void {
  sharedCases(tools);
  const { withInstances, job } = tools;

  test('an engine cut off mid-job (no release, no ack): its lease ends and the other engine runs the job', () =>
    withInstances(1, async (b) => {
      const proxy = await tcpProxy(new URL(REDIS_URL));
      const url = new URL(REDIS_URL);
      url.port = String(proxy.port);
      const a = new RedisQueueBackend({
        url: url.toString(),
        prefix: redisPrefix,
        leaseMs: 1000,
        commandTimeoutMs: 200,
        functions: allFunctions,
        log,
      });
      const q = uniqueName('q');
      const runs: Array<{ who: string; attempts: number }> = [];
      try {
        await a.start();
        await a.consume(named(q), {
          ...oneAttempt,
          maxAttempts: 3,
          handle: async (j) => {
            runs.push({ who: 'a', attempts: j.attempts });
            await new Promise(() => {}); // engine a never finishes: it is cut off below
          },
        });
        await a.enqueue(job(q, 1));
        await waitFor(() => runs.length === 1, { what: 'a runs the job' });
        await proxy.down(); // a's connections die: no ack, no release, no renewal
        await b.consume(named(q), { handle: async (j) => void runs.push({ who: 'b', attempts: j.attempts }) });
        await waitFor(() => runs.length === 2, { what: 'b runs it after the lease', timeoutMs: 15_000 });
        assert.deepEqual(runs[1], { who: 'b', attempts: 0 }, 'a redelivery, not a failed attempt');
        await waitFor(async () => (await b.backend.depth(named(q))).active === 0, { what: 'acked by b' });
      } finally {
        await a.close();
        await proxy.down();
      }
    }));

  test('start fails with E_QUEUE_REDIS_CONNECT naming Redis and the URL (without its password)', async () => {
    const backend = new RedisQueueBackend({ url: 'redis://:secret@127.0.0.1:1', connectTimeoutMs: 500, functions: allFunctions, log });
    await assert.rejects(
      backend.start(),
      (e: { code?: string; message?: string }) =>
        e.code === 'E_QUEUE_REDIS_CONNECT' && /Redis at redis:\/\/:\*\*\*@127\.0\.0\.1:1/.test(String(e.message)),
    );
    await backend.close();
  });

  test('during an outage an enqueue fails with E_QUEUE_REDIS_UNAVAILABLE after command_timeout_ms; after it, work resumes', async () => {
    const proxy = await tcpProxy(new URL(REDIS_URL));
    const url = new URL(REDIS_URL);
    url.port = String(proxy.port);
    const backend = new RedisQueueBackend({
      url: url.toString(),
      prefix: redisPrefix,
      commandTimeoutMs: 300,
      functions: allFunctions,
      log,
    });
    const q = uniqueName('q');
    const got: string[] = [];
    try {
      await backend.start();
      await backend.consume(named(q), { ...oneAttempt, handle: async (j) => void got.push(j.id) });
      await proxy.down();
      await assert.rejects(backend.enqueue(job(q, 1)), (e: { code?: string }) => e.code === 'E_QUEUE_REDIS_UNAVAILABLE');
      await proxy.up();
      await waitFor(
        async () => {
          try {
            await backend.enqueue(job(q, 2));
            return true;
          } catch {
            return false;
          }
        },
        { what: 'an enqueue after the outage', timeoutMs: 15_000 },
      );
      await waitFor(() => got.includes('m-2'), { what: 'consumer resumed' });
      assert.deepEqual(got, ['m-2']);
    } finally {
      await backend.close();
      await proxy.down();
    }
  });
}

/** A TCP relay to the broker that the test can take down and bring back on the same port (a network cut). */
async function tcpProxy(target: URL): Promise<{ port: number; down(): Promise<void>; up(): Promise<void> }> {
  const sockets = new Set<Socket>();
  let server: Server | undefined;
  let port = 0;
  const up = (): Promise<void> =>
    new Promise((resolve) => {
      const srv = createServer((client) => {
        const upstream = netConnect(Number(target.port || 5672), target.hostname);
        for (const s of [client, upstream]) {
          sockets.add(s);
          s.on('error', () => {});
          s.on('close', () => {
            sockets.delete(s);
            client.destroy();
            upstream.destroy();
          });
        }
        client.pipe(upstream).pipe(client);
      });
      server = srv;
      srv.listen(port, '127.0.0.1', () => {
        port = (srv.address() as AddressInfo).port;
        resolve();
      });
    });
  const down = (): Promise<void> =>
    new Promise((resolve) => {
      for (const s of sockets) s.destroy();
      if (!server?.listening) return resolve();
      server.close(() => resolve());
    });
  await up();
  return { port, up, down };
}

/** One key prefix per test run: other sessions use the same Redis at the same time. */
const redisPrefix = `${uniqueName('qtest')}:`;

const KINDS: QueueBackendKind[] = [
  {
    name: 'builtin',
    shared: false,
    async open(functions) {
      const b = new BuiltinQueueBackend({ path: ':memory:', synchronous: 'normal', functions, log });
      await b.start();
      return b;
    },
  },
  {
    name: 'rabbitmq',
    shared: true,
    async open(functions) {
      const b = new RabbitMqQueueBackend({ url: AMQP_URL, functions, log });
      await b.start();
      return b;
    },
    cleanup: deleteTopology,
    skip: !wanted || wanted.includes('rabbitmq') ? await rabbitmqSkip() : false,
    extra: rabbitCases,
  },
  {
    name: 'redis',
    shared: true,
    async open(functions) {
      const b = new RedisQueueBackend({ url: REDIS_URL, prefix: redisPrefix, leaseMs: 2000, functions, log });
      await b.start();
      return b;
    },
    cleanup: () => deleteRedisKeys(redisPrefix),
    skip: !wanted || wanted.includes('redis') ? await redisSkip() : false,
    extra: redisCases,
  },
];

for (const kind of KINDS.filter((k) => !wanted || wanted.includes(k.name))) queueBackendConformance(kind);
