/**
 * The engine functions added for the console's actions, called by a real iii-sdk worker on a real
 * engine: `state::list_entries`, `stream::list_entries`, `cron::run`, `http::request`, and the
 * waiting / delayed / in_flight breakdown of `engine::queue::topic_stats`; with their bad inputs.
 */
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { connectWorker, startTestEngine, type TestEngine, waitForFunction } from '../../../test/helpers/engine.ts';
import { uniqueName } from '../../../test/helpers/names.ts';
import { waitFor } from '../../../test/helpers/wait.ts';

describe('engine functions behind the console actions', () => {
  let engine: TestEngine;
  let w: ReturnType<typeof connectWorker>;
  const call = (function_id: string, payload: unknown) => w.trigger({ function_id, payload, timeoutMs: 10_000 });
  const codeOf = async (p: Promise<unknown>): Promise<string> => {
    const err = await p.then(
      () => assert.fail('expected a coded error'),
      (e: unknown) => e as { code: string; message: string },
    );
    return `${err.code}: ${err.message}`;
  };

  before(async () => {
    engine = await startTestEngine({
      workers: [
        { name: 'state' },
        { name: 'iii-stream' },
        { name: 'cron' },
        { name: 'http' },
        { name: 'queue', config: { queue_configs: { slow: { concurrency: 1, max_retries: 1 } } } },
      ],
    });
    w = connectWorker(engine);
  });
  after(async () => {
    await w.shutdown();
    await engine.stop();
  });

  it('state::list_entries pages through a scope as {key, value} in insertion order', async () => {
    const scope = uniqueName('scope');
    for (const key of ['b', 'a', 'c']) await call('state::set', { scope, key, value: { key } });
    assert.deepEqual(await call('state::list_entries', { scope }), {
      entries: [
        { key: 'b', value: { key: 'b' } },
        { key: 'a', value: { key: 'a' } },
        { key: 'c', value: { key: 'c' } },
      ],
      total: 3,
    });
    assert.deepEqual(await call('state::list_entries', { scope, offset: 1, limit: 1 }), {
      entries: [{ key: 'a', value: { key: 'a' } }],
      total: 3,
    });
    assert.match(await codeOf(call('state::list_entries', { scope, limit: 0 })), /^deserialization_error: .*limit/);
    assert.match(await codeOf(call('state::list_entries', {})), /^deserialization_error: .*scope/);
  });

  it('stream::list_entries gives the items with their ids', async () => {
    const stream_name = uniqueName('stream');
    await call('stream::set', { stream_name, group_id: 'g', item_id: 'x', data: { n: 1 } });
    await call('stream::set', { stream_name, group_id: 'g', item_id: 'y', data: 'two' });
    assert.deepEqual(await call('stream::list_entries', { stream_name, group_id: 'g' }), {
      entries: [
        { id: 'x', data: { n: 1 } },
        { id: 'y', data: 'two' },
      ],
    });
    assert.deepEqual(await call('stream::list_entries', { stream_name, group_id: 'empty' }), { entries: [] });
    assert.match(await codeOf(call('stream::list_entries', { stream_name })), /^deserialization_error: .*group_id/);
  });

  it('cron::run fires a binding now and returns its result; an unknown id is E_CRON_JOB_NOT_FOUND', async () => {
    const fn = uniqueName('tick');
    const payloads: unknown[] = [];
    w.registerFunction(fn, async (p: unknown) => {
      payloads.push(p);
      return { ok: payloads.length };
    });
    w.registerTrigger({ type: 'cron', function_id: fn, config: { expression: '0 0 0 1 1 * 2099' } });
    const trigger = await waitFor(async () => {
      const r = (await call('engine::registered-triggers::list', { function_id: fn })) as { registered_triggers: Array<{ id: string }> };
      return r.registered_triggers[0];
    });
    const out = (await call('cron::run', { trigger_id: trigger.id })) as { job_id: string; function_id: string; result: unknown };
    assert.deepEqual(out, { job_id: trigger.id, function_id: fn, result: { ok: 1 } });
    const p = payloads[0] as { trigger: string; job_id: string; scheduled_time: string; actual_time: string };
    assert.equal(p.trigger, 'cron');
    assert.equal(p.job_id, trigger.id);
    assert.equal(p.scheduled_time, p.actual_time);
    assert.match(await codeOf(call('cron::run', { trigger_id: 'no-such-trigger' })), /^E_CRON_JOB_NOT_FOUND: .*no-such-trigger/);
    assert.match(await codeOf(call('cron::run', {})), /^deserialization_error: .*trigger_id/);
  });

  it('http::request sends a test request to the http listener and returns status, headers and body', async () => {
    const fn = uniqueName('echo');
    const path = `/${uniqueName('echo')}`;
    w.registerFunction(fn, async (req: { body: unknown; method: string }) => ({
      status_code: 201,
      headers: { 'x-echo': 'yes' },
      body: { got: req.body },
    }));
    w.registerTrigger({ type: 'http', function_id: fn, config: { api_path: path, http_method: 'POST' } });
    await waitForFunction(engine, fn);
    const out = await waitFor(async () => {
      const r = (await call('http::request', { method: 'post', path, body: { hello: 1 } })) as {
        status: number;
        headers: Record<string, string>;
        body: unknown;
        duration_ms: number;
      };
      return r.status === 404 ? undefined : r;
    });
    assert.equal(out.status, 201);
    assert.equal(out.headers['x-echo'], 'yes');
    assert.deepEqual(out.body, { got: { hello: 1 } });
    assert.ok(out.duration_ms >= 0);
    assert.equal(((await call('http::request', { path: '/nothing-here' })) as { status: number }).status, 404);
    assert.match(await codeOf(call('http::request', { path: 'http://example.com/' })), /^deserialization_error: .*path/);
  });

  it('engine::queue::topic_stats splits depth into waiting, delayed and in_flight', async () => {
    const fn = uniqueName('hold');
    let release: () => void = () => {};
    const held = new Promise<void>((r) => {
      release = r;
    });
    let started = 0;
    w.registerFunction(fn, async () => {
      started++;
      await held;
      return null;
    });
    await waitForFunction(engine, fn);
    // concurrency 1: the first job runs (and waits), the second waits its turn.
    for (const n of [1, 2]) await call('engine::queue::enqueue', { queue: 'slow', function_id: fn, data: { n } });
    await waitFor(() => started === 1, { what: 'the first job running' });
    const stats = (await call('engine::queue::topic_stats', { queue: 'slow' })) as Record<string, number>;
    release();
    assert.deepEqual(
      { depth: stats.depth, waiting: stats.waiting, delayed: stats.delayed, in_flight: stats.in_flight, dlq_depth: stats.dlq_depth },
      { depth: 2, waiting: 1, delayed: 0, in_flight: 1, dlq_depth: 0 },
    );
    await waitFor(() => started === 2, { what: 'the second job' });
  });
});
