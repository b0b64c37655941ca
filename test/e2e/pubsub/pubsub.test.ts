/** `publish` / `subscribe` end to end with real iii-sdk workers. */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { TriggerAction } from 'iii-sdk';
import { connectWorker, startTestEngine } from '../../helpers/engine.ts';
import { uniqueName } from '../../helpers/names.ts';
import { deferred, waitFor } from '../../helpers/wait.ts';
import { waitForTrigger } from '../queue/helpers.ts';

describe('pubsub', () => {
  it('fans a message out to every subscriber with the raw data and no result', async () => {
    const engine = await startTestEngine({ workers: [{ name: 'pubsub' }] });
    const sub1 = connectWorker(engine);
    const sub2 = connectWorker(engine);
    const pub = connectWorker(engine);
    try {
      const topic = uniqueName('link.created');
      const got: Array<{ fn: string; data: unknown; extra: unknown }> = [];
      const fns = [uniqueName('sub::a'), uniqueName('sub::b'), uniqueName('sub::c')];
      fns.forEach((fn, i) => {
        const w = i === 2 ? sub2 : sub1;
        w.registerFunction(fn, async (data: unknown, extra?: unknown) => {
          got.push({ fn, data, extra });
          return { ignored: true };
        });
        w.registerTrigger({ type: 'subscribe', function_id: fn, config: { topic } });
      });
      for (const fn of fns) await waitForTrigger(engine, fn, 'subscribe');
      const r = await pub.trigger({ function_id: 'publish', payload: { topic, data: { code: 'abc', url: 'https://x.dev' } } });
      assert.equal(r ?? null, null);
      await waitFor(() => got.length === 3, { what: 'three deliveries' });
      assert.deepEqual(got.map((g) => g.fn).sort(), [...fns].sort());
      for (const g of got) assert.deepEqual(g.data, { code: 'abc', url: 'https://x.dev' });
      await pub.trigger({ function_id: 'publish', payload: { topic: uniqueName('nobody'), data: 1 } });
    } finally {
      await Promise.all([sub1.shutdown(), sub2.shutdown(), pub.shutdown()]);
      await engine.stop();
    }
  });

  it('publish (sync or Void) returns before a blocked subscriber finishes', async () => {
    const engine = await startTestEngine({ workers: [{ name: 'pubsub' }] });
    const w = connectWorker(engine);
    try {
      const topic = uniqueName('link.clicked');
      const fn = uniqueName('sub::blocked');
      const release = deferred<void>(10_000, 'release');
      let started = 0;
      let finished = 0;
      w.registerFunction(fn, async () => {
        started++;
        await release.promise;
        finished++;
        return null;
      });
      w.registerTrigger({ type: 'subscribe', function_id: fn, config: { topic } });
      await waitForTrigger(engine, fn, 'subscribe');
      await w.trigger({ function_id: 'publish', payload: { topic, data: { n: 1 } } });
      const v = await w.trigger({ function_id: 'publish', payload: { topic, data: { n: 2 } }, action: TriggerAction.Void() });
      assert.equal(v, undefined);
      await waitFor(() => started === 2, { what: 'both deliveries started' });
      assert.equal(finished, 0, 'publish returned while subscribers were still running');
      release.resolve();
      await waitFor(() => finished === 2, { what: 'subscribers finished' });
    } finally {
      await w.shutdown();
      await engine.stop();
    }
  });

  it('rejects an empty topic with topic_not_set', async () => {
    const engine = await startTestEngine({ workers: [{ name: 'pubsub' }] });
    const w = connectWorker(engine);
    try {
      await assert.rejects(
        w.trigger({ function_id: 'publish', payload: { topic: '', data: {} } }),
        (e: { code?: string; message?: string }) => e.code === 'topic_not_set' && /Topic is not set/.test(String(e.message)),
      );
    } finally {
      await w.shutdown();
      await engine.stop();
    }
  });

  it('unsubscribing removes only that binding', async () => {
    const engine = await startTestEngine({ workers: [{ name: 'pubsub' }] });
    const w = connectWorker(engine);
    try {
      const topic = uniqueName('t');
      const keep = uniqueName('sub::keep');
      const drop = uniqueName('sub::drop');
      const got: string[] = [];
      for (const fn of [keep, drop])
        w.registerFunction(fn, async (data: { n: number }) => {
          got.push(`${fn}:${data.n}`);
          return null;
        });
      w.registerTrigger({ type: 'subscribe', function_id: keep, config: { topic } });
      const dropped = w.registerTrigger({ type: 'subscribe', function_id: drop, config: { topic } });
      await waitForTrigger(engine, keep, 'subscribe');
      await waitForTrigger(engine, drop, 'subscribe');
      dropped.unregister();
      await waitFor(async () => {
        const r = (await engine.api.invoke('engine::registered-triggers::list', { function_id: drop })) as {
          registered_triggers: unknown[];
        };
        return r.registered_triggers.length === 0;
      });
      await w.trigger({ function_id: 'publish', payload: { topic, data: { n: 1 } } });
      await waitFor(() => got.length === 1, { what: 'delivery to the kept binding' });
      // A second publish proves the dropped binding stays silent: its delivery would have come first or alongside.
      await w.trigger({ function_id: 'publish', payload: { topic, data: { n: 2 } } });
      await waitFor(() => got.length === 2, { what: 'second delivery' });
      assert.deepEqual(got, [`${keep}:1`, `${keep}:2`]);
    } finally {
      await w.shutdown();
      await engine.stop();
    }
  });
});
