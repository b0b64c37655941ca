/** Durable pub/sub end to end: `iii::durable::publish` fans out to every `durable:subscriber` function. */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { connectWorker, startTestEngine } from '../../helpers/engine.ts';
import { uniqueName } from '../../helpers/names.ts';
import { waitFor } from '../../helpers/wait.ts';
import { queueWorker, waitForTrigger } from './helpers.ts';

describe('queue: durable pub/sub', () => {
  it('delivers every message to each subscribed function, retrying failures', async () => {
    const engine = await startTestEngine({ workers: [queueWorker({})] });
    const w = connectWorker(engine);
    try {
      const topic = uniqueName('link.updated');
      const fnA = uniqueName('durable::a');
      const fnB = uniqueName('durable::b');
      const gotA: number[] = [];
      const gotB: number[] = [];
      let bFailures = 0;
      w.registerFunction(fnA, async (data: { n: number }) => {
        gotA.push(data.n);
        return null;
      });
      w.registerFunction(fnB, async (data: { n: number }) => {
        if (data.n === 2 && bFailures === 0) {
          bFailures++;
          throw new Error('transient');
        }
        gotB.push(data.n);
        return null;
      });
      w.registerTrigger({ type: 'durable:subscriber', function_id: fnA, config: { topic } });
      w.registerTrigger({
        type: 'durable:subscriber',
        function_id: fnB,
        config: { topic, queue_config: { maxRetries: 1, backoffDelayMs: 5 } },
      });
      await waitForTrigger(engine, fnA, 'durable:subscriber');
      await waitForTrigger(engine, fnB, 'durable:subscriber');

      for (let n = 0; n < 5; n++)
        assert.equal((await w.trigger({ function_id: 'iii::durable::publish', payload: { topic, data: { n } } })) ?? null, null);
      await waitFor(() => gotA.length === 5 && gotB.length === 5, { what: 'fan-out to both functions' });
      assert.deepEqual([...gotA].sort(), [0, 1, 2, 3, 4]);
      assert.deepEqual([...gotB].sort(), [0, 1, 2, 3, 4]);
      assert.equal(bFailures, 1);

      const topics = (await w.trigger({ function_id: 'engine::queue::list_topics', payload: {} })) as Array<{
        name: string;
        subscriber_count: number;
      }>;
      assert.deepEqual(
        topics.find((t) => t.name === topic),
        { name: topic, broker_type: 'topic', subscriber_count: 2 },
      );
      await assert.rejects(
        w.trigger({ function_id: 'iii::durable::publish', payload: { topic: '', data: {} } }),
        (e: { code?: string; message?: string }) => e.code === 'topic_not_set' && /Topic is not set/.test(String(e.message)),
      );
    } finally {
      await w.shutdown();
      await engine.stop();
    }
  });

  it('dead-letters after maxRetries retries and skips messages a condition rejects', async () => {
    const engine = await startTestEngine({ workers: [queueWorker({})] });
    const w = connectWorker(engine);
    try {
      const topic = uniqueName('orders');
      const fn = uniqueName('durable::always-fails');
      const cond = uniqueName('durable::cond');
      let attempts = 0;
      w.registerFunction(cond, async (data: { keep: boolean }) => data.keep);
      w.registerFunction(fn, async () => {
        attempts++;
        throw new Error('cannot handle');
      });
      w.registerTrigger({
        type: 'durable:subscriber',
        function_id: fn,
        config: { topic, condition_function_id: cond, queue_config: { maxRetries: 2, backoffDelayMs: 5 } },
      });
      await waitForTrigger(engine, fn, 'durable:subscriber');
      await w.trigger({ function_id: 'iii::durable::publish', payload: { topic, data: { keep: false } } });
      await w.trigger({ function_id: 'iii::durable::publish', payload: { topic, data: { keep: true } } });
      const dlq = await waitFor(async () => {
        const msgs = (await w.trigger({ function_id: 'engine::queue::dlq_messages', payload: { topic } })) as Array<{
          payload: unknown;
          error: string;
        }>;
        return msgs.length > 0 ? msgs : undefined;
      });
      assert.equal(attempts, 3, 'maxRetries: 2 means three attempts in total');
      assert.deepEqual(dlq[0]?.payload, { keep: true });
      assert.match(dlq[0]?.error ?? '', /cannot handle/);
      const stats = (await w.trigger({ function_id: 'engine::queue::topic_stats', payload: { topic } })) as {
        depth: number;
        dlq_depth: number;
      };
      assert.deepEqual({ depth: stats.depth, dlq_depth: stats.dlq_depth }, { depth: 0, dlq_depth: 1 });
    } finally {
      await w.shutdown();
      await engine.stop();
    }
  });

  it('keeps messages for a subscribed function while its trigger is gone, and delivers them when it returns', async () => {
    const engine = await startTestEngine({ workers: [queueWorker({})] });
    const w = connectWorker(engine);
    try {
      const topic = uniqueName('link.updated');
      const fn = uniqueName('durable::away');
      const got: number[] = [];
      w.registerFunction(fn, async (data: { n: number }) => {
        got.push(data.n);
        return null;
      });
      const first = w.registerTrigger({ type: 'durable:subscriber', function_id: fn, config: { topic } });
      await waitForTrigger(engine, fn, 'durable:subscriber');
      await w.trigger({ function_id: 'iii::durable::publish', payload: { topic, data: { n: 1 } } });
      await waitFor(() => got.length === 1, { what: 'first delivery' });
      first.unregister();
      await waitFor(async () => {
        const r = (await engine.api.invoke('engine::registered-triggers::list', { function_id: fn })) as { registered_triggers: unknown[] };
        return r.registered_triggers.length === 0;
      });
      await w.trigger({ function_id: 'iii::durable::publish', payload: { topic, data: { n: 2 } } });
      const waiting = (await w.trigger({ function_id: 'engine::queue::topic_stats', payload: { topic } })) as {
        depth: number;
        consumer_count: number;
      };
      assert.deepEqual({ depth: waiting.depth, consumer_count: waiting.consumer_count }, { depth: 1, consumer_count: 0 });
      assert.deepEqual(got, [1]);
      w.registerTrigger({ type: 'durable:subscriber', function_id: fn, config: { topic } });
      await waitFor(() => got.length === 2, { what: 'message kept while away' });
      assert.deepEqual(got, [1, 2]);
    } finally {
      await w.shutdown();
      await engine.stop();
    }
  });
});
