/** Shared bits of the queue end-to-end suites. */
import assert from 'node:assert/strict';
import type { RunningEngine } from '@triad/engine';
import { type IIIClient, TriggerAction } from 'iii-sdk';
import { waitForFunction } from '../../helpers/engine.ts';
import { waitFor } from '../../helpers/wait.ts';

/** Registration of a trigger is not acknowledged to the SDK: wait until the engine lists it as live. */
export async function waitForTrigger(engine: RunningEngine, functionId: string, triggerType: string): Promise<void> {
  await waitFor(
    async () => {
      const r = (await engine.api.invoke('engine::registered-triggers::list', { function_id: functionId, trigger_type: triggerType })) as {
        registered_triggers: unknown[];
      };
      return r.registered_triggers.length > 0;
    },
    { what: `${triggerType} trigger of ${functionId}` },
  );
}

/** Start a test engine's `queue` worker with in-memory storage and the given named queues. */
export function queueWorker(queueConfigs: Record<string, Record<string, unknown>>): { name: string; config: Record<string, unknown> } {
  return { name: 'queue', config: { queue_configs: queueConfigs, adapter: { name: 'builtin', config: { store_method: 'in_memory' } } } };
}

/**
 * Any adapter: two jobs of `fn` on queue `q` fail into the DLQ with their error; dlq_messages, dlq_topics,
 * discard_message and redrive_message then behave as on the builtin, and a redriven job runs.
 */
export async function dlqThroughFunctions(engine: RunningEngine, w: IIIClient, fn: string, q: string): Promise<void> {
  let healthy = false;
  let processed = 0;
  w.registerFunction(fn, async () => {
    if (!healthy) throw new Error('database is down');
    processed++;
    return null;
  });
  await waitForFunction(engine, fn);
  const ids: string[] = [];
  for (let i = 0; i < 2; i++) {
    const r = (await w.trigger({ function_id: fn, payload: { i }, action: TriggerAction.Enqueue({ queue: q }) })) as {
      messageReceiptId: string;
    };
    ids.push(r.messageReceiptId);
  }
  const dlq = await waitFor(async () => {
    const msgs = (await w.trigger({ function_id: 'engine::queue::dlq_messages', payload: { topic: q } })) as Array<Record<string, unknown>>;
    return msgs.length === 2 ? msgs : undefined;
  });
  assert.deepEqual(dlq.map((m) => m.id).sort(), [...ids].sort());
  assert.match(String(dlq[0]?.error), /database is down/);
  const topics = (await w.trigger({ function_id: 'engine::queue::dlq_topics', payload: {} })) as unknown[];
  assert.deepEqual(topics, [{ topic: q, broker_type: 'function_queue', message_count: 2 }]);
  const discarded = await w.trigger({ function_id: 'iii::queue::discard_message', payload: { queue: q, message_id: ids[0] } });
  assert.deepEqual(discarded, { queue: q, message_id: ids[0], redriven: 1 });
  healthy = true;
  const redriven = await w.trigger({ function_id: 'iii::queue::redrive_message', payload: { queue: q, message_id: ids[1] } });
  assert.deepEqual(redriven, { queue: q, message_id: ids[1], redriven: 1 });
  await waitFor(() => processed === 1, { what: 'redriven job processed' });
  const stats = (await w.trigger({ function_id: 'engine::queue::topic_stats', payload: { topic: q } })) as { dlq_depth: number };
  assert.equal(stats.dlq_depth, 0);
}

export interface QueueNode {
  engine: RunningEngine;
  worker: IIIClient;
}

const enqueue = (w: IIIClient, fn: string, queue: string, payload: unknown) =>
  w.trigger({ function_id: fn, payload, action: TriggerAction.Enqueue({ queue }) });

/** Two engines sharing queue `q`: 30 jobs enqueued through the first spread over both, each handled once. */
export async function spreadOverTwoEngines(nodes: [QueueNode, QueueNode], fn: string, q: string): Promise<void> {
  const seen = new Map<number, string>();
  let twice = false;
  const started = [0, 0];
  for (const [i, n] of nodes.entries())
    n.worker.registerFunction(fn, async (data: { i: number }) => {
      started[i] = (started[i] ?? 0) + 1;
      // Hold the first jobs until both engines have one: the backend must have spread them.
      await waitFor(() => (started[0] ?? 0) > 0 && (started[1] ?? 0) > 0, { what: 'both engines busy' });
      if (seen.has(data.i)) twice = true;
      seen.set(data.i, `engine ${i}`);
      return null;
    });
  for (const n of nodes) await waitForFunction(n.engine, fn);
  for (let i = 0; i < 30; i++) await enqueue(nodes[0].worker, fn, q, { i });
  await waitFor(() => seen.size === 30, { what: '30 jobs', timeoutMs: 20_000 });
  assert.equal(twice, false);
  assert.deepEqual(new Set(seen.values()), new Set(['engine 0', 'engine 1']));
}

/** A job whose engine is stopped (`stop(i)`) while running it runs again on the other engine. */
export async function runsOnTheOtherEngine(
  nodes: [QueueNode, QueueNode],
  fn: string,
  q: string,
  stop: (i: number) => Promise<void>,
): Promise<void> {
  const runs: number[] = [];
  for (const [i, n] of nodes.entries())
    n.worker.registerFunction(fn, async () => {
      runs.push(i);
      if (runs.length === 1) await new Promise(() => {}); // never finishes: its engine goes away
      return null;
    });
  for (const n of nodes) await waitForFunction(n.engine, fn);
  await enqueue(nodes[1].worker, fn, q, {});
  await waitFor(() => runs.length === 1, { what: 'first run' });
  const first = runs[0] as number;
  await stop(first);
  await waitFor(() => runs.length === 2, { what: 'the job on the other engine', timeoutMs: 20_000 });
  assert.equal(runs[1], 1 - first);
}
