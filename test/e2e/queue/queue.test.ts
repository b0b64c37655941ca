/**
 * Named queues end to end: a real iii-sdk worker enqueues with `TriggerAction.Enqueue` and handles
 * the jobs; the engine's queue worker retries, dead-letters, redrives, orders FIFO groups and
 * honours concurrency.
 */
import assert from 'node:assert/strict';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { TriggerAction } from 'iii-sdk';
import { connectWorker, startTestEngine, waitForFunction } from '../../helpers/engine.ts';
import { uniqueName } from '../../helpers/names.ts';
import { waitFor } from '../../helpers/wait.ts';
import { queueWorker, waitForTrigger } from './helpers.ts';

const fast = { max_retries: 3, backoff_ms: 5, concurrency: 10 };

describe('queue: named queues', () => {
  it('retries a failing handler with backoff until it succeeds', async () => {
    const engine = await startTestEngine({ workers: [queueWorker({ jobs: fast })] });
    const w = connectWorker(engine);
    try {
      const fn = uniqueName('q::flaky');
      let calls = 0;
      let done = false;
      w.registerFunction(fn, async (data: { n: number }) => {
        calls++;
        if (calls <= 2) throw new Error(`flake ${calls}`);
        assert.deepEqual(data, { n: 7 });
        done = true;
        return null;
      });
      await waitForFunction(engine, fn);
      const receipt = (await w.trigger({ function_id: fn, payload: { n: 7 }, action: TriggerAction.Enqueue({ queue: 'jobs' }) })) as {
        messageReceiptId: string;
      };
      assert.match(receipt.messageReceiptId, /^[0-9a-f-]{36}$/);
      await waitFor(() => done, { what: 'third attempt' });
      assert.equal(calls, 3);
      const stats = (await w.trigger({ function_id: 'engine::queue::topic_stats', payload: { topic: 'jobs' } })) as { dlq_depth: number };
      assert.equal(stats.dlq_depth, 0);
    } finally {
      await w.shutdown();
      await engine.stop();
    }
  });

  it('dead-letters a job that always fails, with its error, and redrive brings it back', async () => {
    const engine = await startTestEngine({ workers: [queueWorker({ jobs: fast })] });
    const w = connectWorker(engine);
    try {
      const fn = uniqueName('q::broken');
      let healthy = false;
      let attempts = 0;
      let processed = 0;
      w.registerFunction(fn, async () => {
        attempts++;
        if (!healthy) throw new Error('database is down');
        processed++;
        return null;
      });
      await waitForFunction(engine, fn);
      const { messageReceiptId } = (await w.trigger({
        function_id: fn,
        payload: { x: 1 },
        action: TriggerAction.Enqueue({ queue: 'jobs' }),
      })) as {
        messageReceiptId: string;
      };
      const dlq = await waitFor(async () => {
        const msgs = (await w.trigger({ function_id: 'engine::queue::dlq_messages', payload: { topic: 'jobs' } })) as Array<
          Record<string, unknown>
        >;
        return msgs.length > 0 ? msgs : undefined;
      });
      assert.equal(attempts, 3, 'max_retries counts every attempt for named queues');
      assert.equal(dlq[0]?.id, messageReceiptId);
      assert.deepEqual(dlq[0]?.payload, { x: 1 });
      assert.match(String(dlq[0]?.error), /database is down/);
      assert.equal(typeof dlq[0]?.failed_at, 'number');
      const topics = (await w.trigger({ function_id: 'engine::queue::dlq_topics', payload: {} })) as unknown[];
      assert.deepEqual(topics, [{ topic: 'jobs', broker_type: 'function_queue', message_count: 1 }]);

      healthy = true;
      const r = await w.trigger({ function_id: 'iii::queue::redrive', payload: { queue: 'jobs' } });
      assert.deepEqual(r, { queue: 'jobs', redriven: 1 });
      await waitFor(() => processed === 1, { what: 'redriven job processed' });
      const stats = (await w.trigger({ function_id: 'engine::queue::topic_stats', payload: { topic: 'jobs' } })) as {
        dlq_depth: number;
        depth: number;
      };
      assert.equal(stats.dlq_depth, 0);
    } finally {
      await w.shutdown();
      await engine.stop();
    }
  });

  it('redrives or discards single DLQ messages by id', async () => {
    const engine = await startTestEngine({ workers: [queueWorker({ jobs: { ...fast, max_retries: 1 } })] });
    const w = connectWorker(engine);
    try {
      const fn = uniqueName('q::dead');
      w.registerFunction(fn, async () => {
        throw new Error('nope');
      });
      await waitForFunction(engine, fn);
      const ids: string[] = [];
      for (let i = 0; i < 2; i++) {
        const r = (await w.trigger({ function_id: fn, payload: { i }, action: TriggerAction.Enqueue({ queue: 'jobs' }) })) as {
          messageReceiptId: string;
        };
        ids.push(r.messageReceiptId);
      }
      await waitFor(async () => {
        const s = (await w.trigger({ function_id: 'engine::queue::topic_stats', payload: { topic: 'jobs' } })) as { dlq_depth: number };
        return s.dlq_depth === 2;
      });
      const discarded = await w.trigger({ function_id: 'iii::queue::discard_message', payload: { queue: 'jobs', message_id: ids[0] } });
      assert.deepEqual(discarded, { queue: 'jobs', message_id: ids[0], redriven: 1 });
      const missing = await w.trigger({ function_id: 'iii::queue::redrive_message', payload: { queue: 'jobs', message_id: 'nope' } });
      assert.deepEqual(missing, { queue: 'jobs', message_id: 'nope', redriven: 0 });
      await assert.rejects(
        w.trigger({ function_id: 'iii::queue::redrive_message', payload: { queue: 'jobs' } }),
        (e: { code?: string }) => e.code === 'message_id_not_set',
      );
      await assert.rejects(
        w.trigger({ function_id: 'iii::queue::redrive', payload: {} }),
        (e: { code?: string }) => e.code === 'queue_not_set',
      );
    } finally {
      await w.shutdown();
      await engine.stop();
    }
  });

  it('rejects an unknown queue with enqueue_error; `default` always exists', async () => {
    const engine = await startTestEngine({ workers: [queueWorker({})] });
    const w = connectWorker(engine);
    try {
      const fn = uniqueName('q::any');
      let got: unknown;
      w.registerFunction(fn, async (data: unknown) => {
        got = data;
        return null;
      });
      await waitForFunction(engine, fn);
      await assert.rejects(
        w.trigger({ function_id: fn, payload: {}, action: TriggerAction.Enqueue({ queue: 'nope' }) }),
        (e: { code?: string; message?: string }) => e.code === 'enqueue_error' && /Queue 'nope' not found/.test(String(e.message)),
      );
      await w.trigger({ function_id: fn, payload: { ok: true }, action: TriggerAction.Enqueue({ queue: 'default' }) });
      await waitFor(() => got !== undefined, { what: 'default queue job' });
      assert.deepEqual(got, { ok: true }, 'no _caller_worker_id is added to enqueued payloads');
    } finally {
      await w.shutdown();
      await engine.stop();
    }
  });

  it('keeps FIFO order within a message group, one job of a group at a time', async () => {
    const engine = await startTestEngine({
      workers: [queueWorker({ ordered: { type: 'fifo', message_group_field: 'account', concurrency: 4, backoff_ms: 5 } })],
    });
    const w = connectWorker(engine);
    try {
      const fn = uniqueName('q::fifo');
      const seen = new Map<string, number[]>();
      const busy = new Set<string>();
      let overlap = false;
      let total = 0;
      let failedOnce = false;
      w.registerFunction(fn, async (data: { account: string; seq: number }) => {
        if (busy.has(data.account)) overlap = true;
        busy.add(data.account);
        // Yield so other groups' jobs can run concurrently and a same-group overlap would show.
        await new Promise<void>((r) => setImmediate(r));
        busy.delete(data.account);
        if (data.account === 'b' && data.seq === 3 && !failedOnce) {
          failedOnce = true;
          throw new Error('retry me: the group must wait');
        }
        seen.set(data.account, [...(seen.get(data.account) ?? []), data.seq]);
        total++;
        return null;
      });
      await waitForFunction(engine, fn);
      for (let seq = 0; seq < 10; seq++)
        for (const account of ['a', 'b', 'c'])
          await w.trigger({ function_id: fn, payload: { account, seq }, action: TriggerAction.Enqueue({ queue: 'ordered' }) });
      await waitFor(() => total === 30, { what: '30 fifo jobs' });
      const inOrder = Array.from({ length: 10 }, (_, i) => i);
      assert.deepEqual(Object.fromEntries(seen), { a: inOrder, b: inOrder, c: inOrder });
      assert.equal(overlap, false);
      await assert.rejects(
        w.trigger({ function_id: fn, payload: { seq: 1 }, action: TriggerAction.Enqueue({ queue: 'ordered' }) }),
        (e: { code?: string; message?: string }) => e.code === 'enqueue_error' && /account/.test(String(e.message)),
      );
    } finally {
      await w.shutdown();
      await engine.stop();
    }
  });

  it('never runs more jobs at once than the queue concurrency', async () => {
    const engine = await startTestEngine({ workers: [queueWorker({ limited: { concurrency: 3 } })] });
    const w = connectWorker(engine);
    try {
      const fn = uniqueName('q::slow');
      let inflight = 0;
      let maxInflight = 0;
      let done = 0;
      const gates: Array<() => void> = [];
      w.registerFunction(fn, async () => {
        inflight++;
        maxInflight = Math.max(maxInflight, inflight);
        await new Promise<void>((release) => gates.push(release));
        inflight--;
        done++;
        return null;
      });
      await waitForFunction(engine, fn);
      await Promise.all(
        Array.from({ length: 12 }, (_, i) =>
          w.trigger({ function_id: fn, payload: { i }, action: TriggerAction.Enqueue({ queue: 'limited' }) }),
        ),
      );
      // Release one job at a time; each release lets exactly one more start.
      for (let released = 0; released < 12; released++) {
        await waitFor(() => gates.length > 0 && inflight === Math.min(3, 12 - released), { what: `${released} released, queue refilled` });
        gates.shift()?.();
      }
      await waitFor(() => done === 12, { what: 'all 12 jobs' });
      assert.equal(maxInflight, 3);
    } finally {
      await w.shutdown();
      await engine.stop();
    }
  });

  it('starts a consumer for a queue added by reconfigure, without a restart', async () => {
    const engine = await startTestEngine({ workers: [queueWorker({})] });
    const w = connectWorker(engine);
    try {
      const fn = uniqueName('q::late');
      let got = 0;
      w.registerFunction(fn, async () => {
        got++;
        return null;
      });
      await waitForFunction(engine, fn);
      await assert.rejects(w.trigger({ function_id: fn, payload: {}, action: TriggerAction.Enqueue({ queue: 'clicks' }) }));
      await engine.reconfigure('queue', queueWorker({ clicks: { type: 'standard', max_retries: 5, concurrency: 5 } }).config);
      await w.trigger({ function_id: fn, payload: {}, action: TriggerAction.Enqueue({ queue: 'clicks' }) });
      await waitFor(() => got === 1, { what: 'job on the new queue' });
      const topics = (await w.trigger({ function_id: 'engine::queue::list_topics', payload: {} })) as Array<{ name: string }>;
      assert.deepEqual(
        topics.map((t) => t.name),
        ['clicks', 'default'],
      );
    } finally {
      await w.shutdown();
      await engine.stop();
    }
  });

  it('swaps the store on an adapter change, keeping queues and durable subscriptions working', async () => {
    const engine = await startTestEngine({ workers: [queueWorker({})] });
    const w = connectWorker(engine);
    try {
      const fn = uniqueName('q::swap');
      const topic = uniqueName('swap.topic');
      const got: unknown[] = [];
      w.registerFunction(fn, async (data: unknown) => {
        got.push(data);
        return null;
      });
      w.registerTrigger({ type: 'durable:subscriber', function_id: fn, config: { topic } });
      await waitForTrigger(engine, fn, 'durable:subscriber');
      await engine.reconfigure('queue', {
        queue_configs: {},
        adapter: { name: 'builtin', config: { store_method: 'file_based', file_path: 'data/swapped.db' } },
      });
      assert.ok(existsSync(join(engine.projectDir, 'data', 'swapped.db')));
      await waitForTrigger(engine, fn, 'durable:subscriber');
      await w.trigger({ function_id: fn, payload: { via: 'queue' }, action: TriggerAction.Enqueue({ queue: 'default' }) });
      await w.trigger({ function_id: 'iii::durable::publish', payload: { topic, data: { via: 'topic' } } });
      await waitFor(() => got.length === 2, { what: 'deliveries through the new store' });
      assert.deepEqual(got.map((g) => (g as { via: string }).via).sort(), ['queue', 'topic']);
    } finally {
      await w.shutdown();
      await engine.stop();
    }
  });
});
