/** Engine core, end to end with the real iii-sdk: routing, Void, errors, unknown functions, listings. */
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { TriggerAction } from 'iii-sdk';
import { connectWorker, startTestEngine, type TestEngine, waitForFunction } from '../helpers/engine.ts';
import { uniqueName } from '../helpers/names.ts';
import { deferred } from '../helpers/wait.ts';

describe('engine core: invocations through the real iii-sdk', () => {
  let engine: TestEngine;
  before(async () => {
    engine = await startTestEngine();
  });
  after(() => engine.stop());

  it('routes calls both ways between two workers, with _caller_worker_id injected', async () => {
    const ns = uniqueName('pair');
    const a = connectWorker(engine, `${ns}-a`);
    const b = connectWorker(engine, `${ns}-b`);
    try {
      a.registerFunction(`${ns}::a`, async (d: { n: number }) => ({ from: 'a', n: d.n + 1 }));
      b.registerFunction(`${ns}::b`, async (d: { n: number; _caller_worker_id?: string }) => ({
        from: 'b',
        n: d.n * 2,
        caller: typeof d._caller_worker_id,
      }));
      await waitForFunction(engine, `${ns}::a`);
      await waitForFunction(engine, `${ns}::b`);
      assert.deepEqual(await a.trigger({ function_id: `${ns}::b`, payload: { n: 21 } }), { from: 'b', n: 42, caller: 'string' });
      assert.deepEqual(await b.trigger({ function_id: `${ns}::a`, payload: { n: 1 } }), { from: 'a', n: 2 });
      // many concurrent calls resolve to their own results
      const results = await Promise.all(
        Array.from({ length: 200 }, (_, i) => a.trigger<{ n: number }, { n: number }>({ function_id: `${ns}::b`, payload: { n: i } })),
      );
      assert.deepEqual(
        results.map((r) => r.n),
        Array.from({ length: 200 }, (_, i) => i * 2),
      );
    } finally {
      await a.shutdown();
      await b.shutdown();
    }
  });

  it('delivers Void calls without a reply', async () => {
    const ns = uniqueName('void');
    const got = deferred<unknown>(5000, 'void delivery');
    const a = connectWorker(engine);
    const b = connectWorker(engine);
    try {
      b.registerFunction(`${ns}::sink`, async (d: unknown) => {
        got.resolve(d);
        return { ignored: true };
      });
      await waitForFunction(engine, `${ns}::sink`);
      const r = await a.trigger({ function_id: `${ns}::sink`, payload: { hello: 'void' }, action: TriggerAction.Void() });
      assert.equal(r, undefined);
      const d = (await got.promise) as Record<string, unknown>;
      assert.equal(d.hello, 'void');
      // Void to a missing function is silently dropped, and the socket stays healthy
      await a.trigger({ function_id: `${ns}::missing`, payload: {}, action: TriggerAction.Void() });
      assert.deepEqual(
        await a
          .trigger({ function_id: 'engine::functions::info', payload: { function_id: `${ns}::sink` } })
          .then((x) => (x as { function_id: string }).function_id),
        `${ns}::sink`,
      );
    } finally {
      await a.shutdown();
      await b.shutdown();
    }
  });

  it('propagates handler errors with code and message, and reports unknown functions', async () => {
    const ns = uniqueName('err');
    const a = connectWorker(engine);
    const b = connectWorker(engine);
    try {
      b.registerFunction(`${ns}::boom`, async () => {
        throw new Error('kaboom');
      });
      await waitForFunction(engine, `${ns}::boom`);
      await assert.rejects(a.trigger({ function_id: `${ns}::boom`, payload: {} }), (e: { code?: string; message: string }) => {
        assert.equal(e.code, 'invocation_failed');
        assert.match(e.message, /kaboom/);
        return true;
      });
      await assert.rejects(a.trigger({ function_id: `${ns}::nope`, payload: {} }), (e: { code?: string; message: string }) => {
        assert.equal(e.code, 'function_not_found');
        assert.match(e.message, new RegExp(`Function ${ns}::nope not found`));
        return true;
      });
    } finally {
      await a.shutdown();
      await b.shutdown();
    }
  });

  it('answers Enqueue with enqueue_error when no queue provider runs', async () => {
    const a = connectWorker(engine);
    try {
      await assert.rejects(
        a.trigger({ function_id: 'x::y', payload: {}, action: TriggerAction.Enqueue({ queue: 'jobs' }) }),
        (e: { code?: string; message: string }) => {
          assert.equal(e.code, 'enqueue_error');
          assert.match(e.message, /iii worker add queue/);
          return true;
        },
      );
    } finally {
      await a.shutdown();
    }
  });

  it('lists what is registered through engine::* functions', async () => {
    const ns = uniqueName('list');
    const w = connectWorker(engine, `${ns}-worker`);
    try {
      w.registerFunction(`${ns}::f`, async () => null, {
        description: 'a listed function',
        metadata: { tier: 'gold' },
        request_format: { type: 'object', properties: { q: { type: 'string' } } },
      });
      w.registerTrigger({ type: `${ns}-nosuchtype`, function_id: `${ns}::f`, config: { a: 1 } });
      await waitForFunction(engine, `${ns}::f`);
      const list = (await w.trigger({ function_id: 'engine::functions::list', payload: { prefix: `${ns}::` } })) as {
        functions: Array<Record<string, unknown>>;
      };
      assert.deepEqual(list.functions, [
        { function_id: `${ns}::f`, worker_name: `${ns}-worker`, description: 'a listed function', metadata: { tier: 'gold' } },
      ]);
      const info = (await w.trigger({ function_id: 'engine::functions::info', payload: { function_id: `${ns}::f` } })) as Record<
        string,
        unknown
      >;
      assert.deepEqual(info.request_schema, { type: 'object', properties: { q: { type: 'string' } } });
      await assert.rejects(w.trigger({ function_id: 'engine::functions::info', payload: { function_id: `${ns}::zzz` } }), /NOT_FOUND/);
      const workers = (await w.trigger({ function_id: 'engine::workers::list', payload: {} })) as {
        workers: Array<{ name: string; runtime: string; function_count: number }>;
      };
      const mine = workers.workers.find((x) => x.name === `${ns}-worker`);
      assert.equal(mine?.runtime, 'node');
      assert.equal(mine?.function_count, 1);
      assert.ok(workers.workers.some((x) => x.runtime === 'engine' && x.name === 'iii-worker-manager'));
      const types = (await w.trigger({ function_id: 'engine::triggers::list', payload: { include_internal: true } })) as {
        triggers: Array<{ id: string }>;
      };
      assert.ok(types.triggers.some((t) => t.id === 'engine::workers-available'));
    } finally {
      await w.shutdown();
    }
  });
});
