/**
 * The queue worker on RabbitMQ, end to end: two in-process engines on one broker, each with its own
 * real iii-sdk worker serving the same functions. Jobs enqueued through either engine spread over
 * both and run once; a job whose engine stops mid-way runs on the other; durable topics reach
 * subscribers on any engine; DLQ and redrive work through the same functions as on the builtin.
 * Queue and topic names are unique per test and deleted afterwards. Skipped (saying so) when the
 * broker is unreachable; fails under CI=true.
 */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { allQueues } from '@triad/engine/internal';
import { connect } from 'amqplib';
import { type IIIClient, TriggerAction } from 'iii-sdk';
import { connectWorker, startTestEngine, type TestEngine } from '../../helpers/engine.ts';
import { uniqueName } from '../../helpers/names.ts';
import { AMQP_URL, rabbitmqSkip } from '../../helpers/services.ts';
import { waitFor } from '../../helpers/wait.ts';
import { dlqThroughFunctions, runsOnTheOtherEngine, spreadOverTwoEngines, waitForTrigger } from './helpers.ts';

const skip = await rabbitmqSkip();
const POLICY = { max_retries: 2, backoff_ms: 20, concurrency: 2 };

function rabbitWorker(queues: Record<string, Record<string, unknown>>) {
  return { name: 'queue', config: { queue_configs: queues, adapter: { name: 'rabbitmq', config: { amqp_url: AMQP_URL } } } };
}

/** Delete the broker objects of named queue `q` and topic `topic` (with its subscriber `fn`). */
async function cleanup(q: string, topic?: string, fns: string[] = []): Promise<void> {
  const conn = await connect(AMQP_URL);
  try {
    const ch = await conn.createChannel();
    const spec = { maxAttempts: POLICY.max_retries, backoff: { type: 'exponential' as const, delay: POLICY.backoff_ms } };
    const sets = [allQueues({ kind: 'named', name: q }, spec)];
    if (topic) {
      sets.push(allQueues({ kind: 'parked', topic }, spec));
      for (const functionId of fns)
        sets.push(
          allQueues(
            { kind: 'subscription', topic, functionId },
            { ...spec, maxAttempts: 3, backoff: { type: 'exponential', delay: 1000 } },
          ),
        );
    }
    for (const { queues, exchanges } of sets) {
      for (const name of queues) await ch.deleteQueue(name);
      for (const name of exchanges) await ch.deleteExchange(name);
    }
    await ch.close();
  } finally {
    await conn.close();
  }
}

interface Node {
  engine: TestEngine;
  worker: IIIClient;
}

async function twoEngines(q: string): Promise<[Node, Node]> {
  const nodes: Node[] = [];
  for (let i = 0; i < 2; i++) {
    const engine = await startTestEngine({ workers: [rabbitWorker({ [q]: POLICY })] });
    nodes.push({ engine, worker: connectWorker(engine) });
  }
  return nodes as [Node, Node];
}

async function stopAll(nodes: Node[]): Promise<void> {
  for (const n of nodes) {
    await n.worker.shutdown();
    await n.engine.stop();
  }
}

describe('queue on RabbitMQ: several engines', { skip }, () => {
  it('jobs enqueued through one engine spread over both, each handled once', async () => {
    const q = uniqueName('jobs');
    const fn = uniqueName('rq::work');
    const nodes = await twoEngines(q);
    try {
      await spreadOverTwoEngines(nodes, fn, q);
    } finally {
      await stopAll(nodes);
      await cleanup(q);
    }
  });

  it('a job whose engine stops mid-way runs on the other engine', async () => {
    const q = uniqueName('jobs');
    const fn = uniqueName('rq::slow');
    const nodes = await twoEngines(q);
    const stopped = new Set<number>();
    try {
      await runsOnTheOtherEngine(nodes, fn, q, async (i) => {
        stopped.add(i);
        await nodes[i]?.engine.stop();
      });
    } finally {
      for (const [i, n] of nodes.entries()) {
        await n.worker.shutdown();
        if (!stopped.has(i)) await n.engine.stop();
      }
      await cleanup(q);
    }
  });

  it('a durable publish on one engine reaches a subscriber on the other; a publish before any subscriber is kept', async () => {
    const q = uniqueName('jobs');
    const topic = uniqueName('link.updated');
    const fn = uniqueName('rq::on_update');
    const nodes = await twoEngines(q);
    try {
      await nodes[0].worker.trigger({ function_id: 'iii::durable::publish', payload: { topic, data: { n: 0 } } });
      const got: number[] = [];
      nodes[1].worker.registerFunction(fn, async (data: { n: number }) => {
        got.push(data.n);
        return null;
      });
      nodes[1].worker.registerTrigger({ type: 'durable:subscriber', function_id: fn, config: { topic } });
      await waitForTrigger(nodes[1].engine, fn, 'durable:subscriber');
      for (let n = 1; n <= 3; n++) await nodes[0].worker.trigger({ function_id: 'iii::durable::publish', payload: { topic, data: { n } } });
      await waitFor(() => got.length === 3, { what: 'deliveries on engine 1' });
      assert.deepEqual([...got].sort(), [1, 2, 3]);
      const stats = (await nodes[1].worker.trigger({ function_id: 'engine::queue::topic_stats', payload: { topic } })) as { depth: number };
      assert.equal(stats.depth, 1, 'the publish made before any subscriber is parked, not lost');
    } finally {
      await stopAll(nodes);
      await cleanup(q, topic, [fn]);
    }
  });

  it('dead-letters with the error; dlq_messages, redrive_message and discard_message work as on the builtin', async () => {
    const q = uniqueName('jobs');
    const fn = uniqueName('rq::broken');
    const engine = await startTestEngine({ workers: [rabbitWorker({ [q]: POLICY })] });
    const w = connectWorker(engine);
    try {
      await dlqThroughFunctions(engine, w, fn, q);
    } finally {
      await w.shutdown();
      await engine.stop();
      await cleanup(q);
    }
  });

  it('an adapter swap to RabbitMQ keeps queues and durable subscriptions working; an unreachable broker is refused, the old adapter stays', async () => {
    const q = uniqueName('jobs');
    const topic = uniqueName('swap.topic');
    const fn = uniqueName('rq::swap');
    const engine = await startTestEngine({
      workers: [
        { name: 'queue', config: { queue_configs: { [q]: POLICY }, adapter: { name: 'builtin', config: { store_method: 'in_memory' } } } },
      ],
    });
    const w = connectWorker(engine);
    try {
      const got: string[] = [];
      w.registerFunction(fn, async (data: { via: string }) => {
        got.push(data.via);
        return null;
      });
      w.registerTrigger({ type: 'durable:subscriber', function_id: fn, config: { topic } });
      await waitForTrigger(engine, fn, 'durable:subscriber');
      await assert.rejects(
        engine.reconfigure('queue', {
          queue_configs: { [q]: POLICY },
          adapter: { name: 'rabbitmq', config: { amqp_url: 'amqp://127.0.0.1:1' } },
        }),
        (e: { code?: string; message?: string }) =>
          e.code === 'E_QUEUE_AMQP_CONNECT' && /RabbitMQ at amqp:\/\/127\.0\.0\.1:1/.test(String(e.message)),
      );
      await w.trigger({ function_id: fn, payload: { via: 'builtin' }, action: TriggerAction.Enqueue({ queue: q }) });
      await waitFor(() => got.includes('builtin'), { what: 'the builtin still serves' });
      await engine.reconfigure('queue', rabbitWorker({ [q]: POLICY }).config);
      await waitForTrigger(engine, fn, 'durable:subscriber');
      await w.trigger({ function_id: fn, payload: { via: 'queue' }, action: TriggerAction.Enqueue({ queue: q }) });
      await w.trigger({ function_id: 'iii::durable::publish', payload: { topic, data: { via: 'topic' } } });
      await waitFor(() => got.length === 3, { what: 'deliveries through RabbitMQ' });
      assert.deepEqual(got.slice(1).sort(), ['queue', 'topic']);
    } finally {
      await w.shutdown();
      await engine.stop();
      await cleanup(q, topic, [fn]);
    }
  });
});
