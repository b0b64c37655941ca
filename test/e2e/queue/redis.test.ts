/**
 * The queue worker on Redis (`adapter: { name: redis }`), end to end: in-process engines sharing one Redis,
 * each with its own real iii-sdk worker serving the same functions. Jobs enqueued through either engine spread
 * over both and run once; a job whose engine stops mid-way runs on the other; a FIFO queue keeps each group's
 * order; durable topics reach subscribers on any engine; DLQ and redrive work through the same functions as
 * on the builtin. Each test has its own key prefix, deleted afterwards. Skipped (saying so) when Redis is
 * unreachable; fails under CI=true.
 */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { type IIIClient, TriggerAction } from 'iii-sdk';
import { connectWorker, startTestEngine, waitForFunction } from '../../helpers/engine.ts';
import { uniqueName } from '../../helpers/names.ts';
import { deleteRedisKeys, REDIS_URL, redisSkip } from '../../helpers/services.ts';
import { waitFor } from '../../helpers/wait.ts';
import { dlqThroughFunctions, type QueueNode, runsOnTheOtherEngine, spreadOverTwoEngines, waitForTrigger } from './helpers.ts';

const skip = await redisSkip();
const POLICY = { max_retries: 2, backoff_ms: 20, concurrency: 2 };

function redisWorker(prefix: string, queues: Record<string, Record<string, unknown>>) {
  return {
    name: 'queue',
    config: { queue_configs: queues, adapter: { name: 'redis', config: { redis_url: REDIS_URL, key_prefix: prefix } } },
  };
}

/** The two engines of a two-engine test. */
function pair(nodes: QueueNode[]): [QueueNode, QueueNode] {
  const [a, b] = nodes;
  assert.ok(a && b, 'two engines');
  return [a, b];
}

/** `n` engines on one Redis prefix; `fn` runs with them, then everything is stopped and the keys deleted. */
async function withEngines(
  n: number,
  queues: Record<string, Record<string, unknown>>,
  fn: (nodes: QueueNode[], stopped: Set<number>) => Promise<void>,
) {
  const prefix = `${uniqueName('qe2e')}:`;
  const nodes: QueueNode[] = [];
  const stopped = new Set<number>();
  try {
    for (let i = 0; i < n; i++) {
      const engine = await startTestEngine({ workers: [redisWorker(prefix, queues)] });
      nodes.push({ engine, worker: connectWorker(engine) });
    }
    await fn(nodes, stopped);
  } finally {
    for (const [i, node] of nodes.entries()) {
      await node.worker.shutdown();
      if (!stopped.has(i)) await node.engine.stop();
    }
    await deleteRedisKeys(prefix);
  }
}

const enqueue = (w: IIIClient, fn: string, queue: string, payload: unknown) =>
  w.trigger({ function_id: fn, payload, action: TriggerAction.Enqueue({ queue }) }) as Promise<{ messageReceiptId: string }>;

describe('queue on Redis: several engines', { skip }, () => {
  it('jobs enqueued through one engine spread over both, each handled once', async () => {
    const q = uniqueName('jobs');
    const fn = uniqueName('redq::work');
    await withEngines(2, { [q]: POLICY }, async (nodes) => {
      await spreadOverTwoEngines(pair(nodes), fn, q);
    });
  });

  it('a job whose engine stops mid-way runs on the other engine', async () => {
    const q = uniqueName('jobs');
    const fn = uniqueName('redq::slow');
    await withEngines(2, { [q]: POLICY }, async (nodes, stopped) => {
      await runsOnTheOtherEngine(pair(nodes), fn, q, async (i) => {
        stopped.add(i);
        await nodes[i]?.engine.stop();
      });
    });
  });

  it('a FIFO queue runs each message group in order, one job at a time, across two engines', async () => {
    const q = uniqueName('fifo');
    const fn = uniqueName('redq::ordered');
    await withEngines(2, { [q]: { ...POLICY, type: 'fifo', message_group_field: 'account', concurrency: 4 } }, async (nodes) => {
      const seen = new Map<string, number[]>();
      const busy = new Set<string>();
      let overlap = false;
      for (const n of nodes)
        n.worker.registerFunction(fn, async (data: { account: string; n: number }) => {
          if (busy.has(data.account)) overlap = true;
          busy.add(data.account);
          await new Promise((r) => setTimeout(r, 2));
          busy.delete(data.account);
          seen.set(data.account, [...(seen.get(data.account) ?? []), data.n]);
          return null;
        });
      for (const n of nodes) await waitForFunction(n.engine, fn);
      for (let i = 0; i < 8; i++)
        for (const account of ['x', 'y']) await enqueue(pair(nodes)[i % 2 === 0 ? 0 : 1].worker, fn, q, { account, n: i });
      await waitFor(() => (seen.get('x')?.length ?? 0) + (seen.get('y')?.length ?? 0) === 16, { what: '16 jobs' });
      const order = [0, 1, 2, 3, 4, 5, 6, 7];
      assert.deepEqual(Object.fromEntries(seen), { x: order, y: order });
      assert.equal(overlap, false);
    });
  });

  it('a durable publish on one engine reaches a subscriber on the other; a publish before any subscriber is kept', async () => {
    const topic = uniqueName('link.updated');
    const fn = uniqueName('redq::on_update');
    await withEngines(2, {}, async (nodes) => {
      const [a, b] = pair(nodes);
      await a.worker.trigger({ function_id: 'iii::durable::publish', payload: { topic, data: { n: 0 } } });
      const got: number[] = [];
      b.worker.registerFunction(fn, async (data: { n: number }) => {
        got.push(data.n);
        return null;
      });
      b.worker.registerTrigger({ type: 'durable:subscriber', function_id: fn, config: { topic } });
      await waitForTrigger(b.engine, fn, 'durable:subscriber');
      for (let n = 1; n <= 3; n++) await a.worker.trigger({ function_id: 'iii::durable::publish', payload: { topic, data: { n } } });
      await waitFor(() => got.length === 3, { what: 'deliveries on engine b' });
      assert.deepEqual([...got].sort(), [1, 2, 3]);
      const stats = (await b.worker.trigger({ function_id: 'engine::queue::topic_stats', payload: { topic } })) as { depth: number };
      assert.equal(stats.depth, 1, 'the publish made before any subscriber is parked, not lost');
    });
  });

  it('dead-letters with the error; dlq_messages, redrive_message and discard_message work as on the builtin', async () => {
    const q = uniqueName('jobs');
    const fn = uniqueName('redq::broken');
    await withEngines(1, { [q]: POLICY }, async (nodes) => {
      const [node] = nodes;
      assert.ok(node);
      await dlqThroughFunctions(node.engine, node.worker, fn, q);
    });
  });
});
