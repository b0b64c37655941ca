/** `cron` end to end: real engine, real iii-sdk worker (workers.md §7, protocol.md §4.2.2). */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { check, createLogger, type RunningEngine, z } from '@triad/engine';
import { CronJobs, createKvLock, cronConfigSchema } from '@triad/engine/internal';
import { connectWorker, startTestEngine, waitForFunction } from '../../helpers/engine.ts';
import { uniqueName } from '../../helpers/names.ts';
import { waitFor } from '../../helpers/wait.ts';
import { waitForTrigger } from '../state/trigger-ready.ts';

const EVERY_SECOND = '*/1 * * * * *';
/** Fire times are whole seconds; actual_time may carry milliseconds (chrono's to_rfc3339 shape). */
const RFC3339 = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d{3})?\+00:00$/;
const WAIT = { timeoutMs: 15_000 };

const payloadSchema = z.strictObject({
  trigger: z.literal('cron'),
  job_id: z.string(),
  scheduled_time: z.string(),
  actual_time: z.string(),
});
type Payload = ReturnType<typeof parsePayload>;
function parsePayload(v: unknown) {
  const r = check(payloadSchema, v);
  if (!r.ok) throw new Error(`bad cron payload: ${JSON.stringify(v)}`);
  return r.value;
}

const listing = z.looseObject({ registered_triggers: z.array(z.looseObject({ id: z.string() })) });
async function triggerIds(engine: RunningEngine, functionId: string): Promise<string[]> {
  const r = check(listing, await engine.api.invoke('engine::registered-triggers::list', { function_id: functionId, trigger_type: 'cron' }));
  if (!r.ok) throw new Error('bad registered-triggers listing');
  return r.value.registered_triggers.map((t) => t.id);
}

test('an every-second job fires repeatedly with the reference payload and the binding metadata', async () => {
  const engine = await startTestEngine({
    workers: [{ name: 'iii-cron', config: { adapter: { name: 'kv', config: { lock_ttl_ms: 5000 } } } }],
  });
  const w = connectWorker(engine);
  const fn = uniqueName('tick');
  const got: { payload: Payload; meta: unknown }[] = [];
  try {
    w.registerFunction(fn, async (payload: unknown, meta: unknown) => {
      got.push({ payload: parsePayload(payload), meta });
      return null;
    });
    w.registerTrigger({ type: 'cron', function_id: fn, config: { expression: EVERY_SECOND }, metadata: { owner: 'cron-test' } });
    await waitForTrigger(engine, fn, 'cron');
    const [id] = await triggerIds(engine, fn);
    await waitFor(() => got.length >= 2, { ...WAIT, what: 'two cron fires' });
    for (const { payload, meta } of got) {
      assert.equal(payload.job_id, id);
      assert.match(payload.scheduled_time, RFC3339);
      assert.match(payload.actual_time, RFC3339);
      assert.ok(Date.parse(payload.actual_time) >= Date.parse(payload.scheduled_time), 'never fires early');
      assert.deepEqual(meta, { owner: 'cron-test' });
    }
    const [a, b] = got.map((g) => Date.parse(g.payload.scheduled_time));
    assert.ok(a !== undefined && b !== undefined && b > a && (b - a) % 1000 === 0, 'distinct whole-second ticks');
  } finally {
    await w.shutdown();
    await engine.stop();
  }
});

test('a 5-field expression (and a missing one) is refused at registration and never goes live', async () => {
  const engine = await startTestEngine({ workers: [{ name: 'cron' }] });
  const w = connectWorker(engine);
  const fn = uniqueName('never');
  const ok = uniqueName('fine');
  try {
    w.registerFunction(fn, async () => null);
    w.registerFunction(ok, async () => null);
    await waitForFunction(engine, fn);
    await assert.rejects(
      engine.api.invoke('engine::register_trigger', { trigger_type: 'cron', function_id: fn, config: { expression: '*/5 * * * *' } }),
      (err: Error & { code?: string }) => {
        assert.equal(err.code, 'trigger_registration_failed');
        assert.match(err.message, /6 or 7 fields/);
        assert.match(err.message, /seconds first/);
        assert.ok(err.message.includes("'*/5 * * * *'"), err.message);
        return true;
      },
    );
    await assert.rejects(engine.api.invoke('engine::register_trigger', { trigger_type: 'cron', function_id: fn, config: {} }), {
      code: 'trigger_registration_failed',
    });
    // Through the SDK too: the refusal only reaches the worker's log, so prove it via the listing. Frames on
    // one socket are handled in order, so once the later good trigger is live the bad one was settled.
    w.registerTrigger({ type: 'cron', function_id: fn, config: { expression: '0 * * * *' } });
    w.registerTrigger({ type: 'cron', function_id: ok, config: { expression: '0 0 0 1 1 *' } });
    await waitForTrigger(engine, ok, 'cron');
    assert.deepEqual(await triggerIds(engine, fn), []);
  } finally {
    await w.shutdown();
    await engine.stop();
  }
});

test('unregister stops the timer', async () => {
  const engine = await startTestEngine({ workers: [{ name: 'cron' }] });
  const w = connectWorker(engine);
  const fn = uniqueName('stopped');
  const sentinel = uniqueName('sentinel');
  let fired = 0;
  let sentinelFired = 0;
  try {
    w.registerFunction(fn, async () => {
      fired++;
      return null;
    });
    w.registerFunction(sentinel, async () => {
      sentinelFired++;
      return null;
    });
    const trigger = w.registerTrigger({ type: 'cron', function_id: fn, config: { expression: EVERY_SECOND } });
    await waitFor(() => fired >= 1, { ...WAIT, what: 'first fire' });
    trigger.unregister();
    await waitFor(async () => (await triggerIds(engine, fn)).length === 0, { what: 'trigger removed' });
    // The sentinel runs on the same schedule and the same socket: fires reach the worker in order, so once
    // the sentinel has fired after the snapshot a still-running job would have fired as well.
    w.registerTrigger({ type: 'cron', function_id: sentinel, config: { expression: EVERY_SECOND } });
    await waitFor(() => sentinelFired >= 1, { ...WAIT, what: 'sentinel first fire' });
    const snapshot = fired;
    await waitFor(() => sentinelFired >= 3, { ...WAIT, what: 'sentinel third fire' });
    assert.equal(fired, snapshot);
  } finally {
    await w.shutdown();
    await engine.stop();
  }
});

test('a condition returning exactly false skips that run; anything else lets it through', async () => {
  const engine = await startTestEngine({ workers: [{ name: 'cron' }] });
  const w = connectWorker(engine);
  const fn = uniqueName('guarded');
  const cond = `${fn}::cond`;
  const asked: Payload[] = [];
  const ran: Payload[] = [];
  try {
    // First tick: false (skip); then null, which counts as a pass.
    w.registerFunction(cond, async (payload: unknown) => {
      asked.push(parsePayload(payload));
      return asked.length === 1 ? false : null;
    });
    w.registerFunction(fn, async (payload: unknown) => {
      ran.push(parsePayload(payload));
      return null;
    });
    await waitForFunction(engine, cond);
    w.registerTrigger({ type: 'cron', function_id: fn, config: { expression: EVERY_SECOND, condition_function_id: cond } });
    await waitFor(() => ran.length >= 1, { ...WAIT, what: 'a run after the skipped one' });
    assert.deepEqual(ran[0], asked[1], 'the handler gets the same payload the condition saw');
    assert.ok(!ran.some((p) => p.scheduled_time === asked[0]?.scheduled_time), 'the first tick was skipped');
  } finally {
    await w.shutdown();
    await engine.stop();
  }
});

test('config: the kv adapter is accepted with defaults; an unknown adapter is refused; reconfigure keeps jobs', async () => {
  await assert.rejects(startTestEngine({ workers: [{ name: 'cron', config: { adapter: { name: 'memcached' } } }] }), /adapter\.name/);
  const engine = await startTestEngine({ workers: [{ name: 'cron', config: { adapter: { name: 'kv', config: { lock_index: 'x' } } } }] });
  const w = connectWorker(engine);
  const fn = uniqueName('kept');
  let fired = 0;
  try {
    w.registerFunction(fn, async () => {
      fired++;
      return null;
    });
    w.registerTrigger({ type: 'cron', function_id: fn, config: { expression: EVERY_SECOND } });
    await waitFor(() => fired >= 1, { ...WAIT, what: 'first fire' });
    await engine.reconfigure('cron', { adapter: { name: 'kv', config: { lock_ttl_ms: 1000, lock_index: 'y' } } });
    const after = fired;
    await waitFor(() => fired > after, { ...WAIT, what: 'a fire after reconfigure' });
  } finally {
    await w.shutdown();
    await engine.stop();
  }
});

test('a duplicate job id is refused by the trigger type itself; clear() stops every job', async () => {
  // The core replaces a same-id trigger before it reaches the type, so drive the type directly, on the real engine API.
  const engine = await startTestEngine({ workers: [] });
  const jobs = new CronJobs(engine.api, createLogger('cron-test', { level: 'silent' }), cronConfigDefaults(), createKvLock('cron_locks'));
  const type = jobs.typeDef();
  const t = { id: uniqueName('job'), trigger_type: 'cron', function_id: uniqueName('fn'), config: { expression: '0 0 0 1 1 *' } };
  try {
    await type.register(t);
    assert.throws(() => type.register(t), { code: 'trigger_registration_failed', message: `cron job ${t.id} is already registered` });
    await type.unregister(t);
    await type.register(t);
    assert.equal(jobs.size, 1);
    jobs.clear();
    assert.equal(jobs.size, 0);
  } finally {
    jobs.clear();
    await engine.stop();
  }
});

function cronConfigDefaults() {
  const r = check(cronConfigSchema, {});
  if (!r.ok) throw new Error('cron defaults do not parse');
  return r.value;
}
