/** `state` end to end: real engine, real iii-sdk worker (workers.md §2, protocol.md §4.2.4, §5.3). */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { connectWorker, startTestEngine, waitForFunction } from '../../helpers/engine.ts';
import { uniqueName } from '../../helpers/names.ts';
import { waitFor } from '../../helpers/wait.ts';
import { waitForTrigger } from './trigger-ready.ts';

test('state functions return the reference shapes', async () => {
  const engine = await startTestEngine({ workers: [{ name: 'state', config: { max_value_bytes: 64 } }] });
  const w = connectWorker(engine);
  const call = (function_id: string, payload: unknown) => w.trigger({ function_id, payload });
  const scope = uniqueName('scope');
  try {
    assert.deepEqual(await call('state::set', { scope, key: 'a', value: { url: 'x' } }), { old_value: null, new_value: { url: 'x' } });
    // `data` is accepted as an alias of `value`.
    assert.deepEqual(await call('state::set', { scope, key: 'a', data: { url: 'y' } }), {
      old_value: { url: 'x' },
      new_value: { url: 'y' },
    });
    assert.deepEqual(await call('state::get', { scope, key: 'a' }), { url: 'y' });
    assert.equal((await call('state::get', { scope, key: 'missing' })) ?? null, null);
    await call('state::set', { scope, key: 'b', value: 2 });
    assert.deepEqual(await call('state::list', { scope }), [{ url: 'y' }, 2]);
    const groups = await call('state::list_groups', {});
    assert.deepEqual(groups, { groups: [scope] });
    const u = await call('state::update', {
      scope,
      key: 'c',
      ops: [
        { type: 'increment', path: 'n', by: 2 },
        { type: 'merge', path: ['__proto__'], value: {} },
      ],
    });
    assert.deepEqual(u, {
      old_value: null,
      new_value: { n: 2 },
      errors: [{ op_index: 1, code: 'merge.path.proto_polluted', message: 'path segment "__proto__" is not allowed' }],
    });
    assert.deepEqual(await call('state::update', { scope, key: 'c', ops: [{ type: 'increment', path: 'n', by: 1 }] }), {
      old_value: { n: 2 },
      new_value: { n: 3 },
    });
    // delete returns the old value itself, not { old_value }.
    assert.deepEqual(await call('state::delete', { scope, key: 'a' }), { url: 'y' });
    assert.equal((await call('state::delete', { scope, key: 'a' })) ?? null, null);
    await assert.rejects(call('state::set', { scope, key: 'big', value: 'x'.repeat(100) }), { code: 'VALUE_TOO_LARGE' });
    await assert.rejects(call('state::set', { scope: 3, key: 'k', value: 1 }), { code: 'deserialization_error' });
    await assert.rejects(call('state::update', { scope, key: 'k', ops: [{ type: 'nope' }] }), { code: 'deserialization_error' });
  } finally {
    await w.shutdown();
    await engine.stop();
  }
});

test('state triggers: created/updated/deleted in order, filters, metadata, condition', async () => {
  const engine = await startTestEngine({ workers: [{ name: 'state' }] });
  const w = connectWorker(engine);
  const scope = uniqueName('scope');
  const handler = uniqueName('on-state');
  const otherScope = uniqueName('on-other');
  const conditioned = uniqueName('on-cond');
  const events: { event: unknown; meta: unknown }[] = [];
  const other: unknown[] = [];
  const condSeen: unknown[] = [];
  try {
    w.registerFunction(handler, async (event: unknown, meta: unknown) => {
      events.push({ event, meta });
      return null;
    });
    w.registerFunction(otherScope, async (event: unknown) => {
      other.push(event);
      return null;
    });
    w.registerFunction(`${conditioned}::cond`, async (event: { key: string }) => event.key !== 'skip');
    w.registerFunction(conditioned, async (event: unknown) => {
      condSeen.push(event);
      return null;
    });
    w.registerTrigger({ type: 'state', function_id: handler, config: { scope }, metadata: { tag: 'm1' } });
    w.registerTrigger({ type: 'state', function_id: otherScope, config: { scope: 'elsewhere' } });
    w.registerTrigger({ type: 'state', function_id: conditioned, config: { scope, condition_function_id: `${conditioned}::cond` } });
    await waitForTrigger(engine, handler, 'state');
    await waitForTrigger(engine, conditioned, 'state');
    await waitForFunction(engine, `${conditioned}::cond`);

    const call = (function_id: string, payload: unknown) => w.trigger({ function_id, payload });
    await call('state::set', { scope, key: 'k', value: 1 });
    await call('state::update', { scope, key: 'k', ops: [{ type: 'set', path: '', value: 2 }] });
    await call('state::delete', { scope, key: 'k' });
    await call('state::set', { scope, key: 'skip', value: 'x' });
    // Sentinel: its condition runs after the skipped one's, so once it is delivered the skip is settled.
    await call('state::set', { scope, key: 'last', value: 'y' });
    await waitFor(() => events.length === 5 && condSeen.length === 4, { what: 'state events' });
    // Events are fired asynchronously; each write is awaited before the next, so order is write order.
    const created = (key: string, v: unknown) => ({
      type: 'state',
      event_type: 'state:created',
      scope,
      key,
      old_value: null,
      new_value: v,
    });
    const expected = [
      created('k', 1),
      { type: 'state', event_type: 'state:updated', scope, key: 'k', old_value: 1, new_value: 2 },
      { type: 'state', event_type: 'state:deleted', scope, key: 'k', old_value: 2, new_value: null },
      created('skip', 'x'),
      created('last', 'y'),
    ];
    assert.deepEqual(
      events.map((e) => e.event),
      expected,
    );
    assert.deepEqual(events[0]?.meta, { tag: 'm1' });
    assert.deepEqual(condSeen, [expected[0], expected[1], expected[2], expected[4]]);
    assert.deepEqual(other, []);
  } finally {
    await w.shutdown();
    await engine.stop();
  }
});

test('file_based state survives an engine restart (same project dir)', async () => {
  const scope = uniqueName('persist');
  const workers = [{ name: 'state', config: { adapter: { name: 'kv', config: { store_method: 'file_based' } } } }];
  const first = await startTestEngine({ workers });
  const w1 = connectWorker(first);
  try {
    for (let i = 0; i < 20; i++) await w1.trigger({ function_id: 'state::set', payload: { scope, key: `k${i}`, value: { i } } });
    await w1.trigger({ function_id: 'state::delete', payload: { scope, key: 'k0' } });
  } finally {
    await w1.shutdown();
    await first.stop();
  }
  const second = await startTestEngine({ workers, projectDir: first.projectDir });
  const w2 = connectWorker(second);
  try {
    const values = await w2.trigger({ function_id: 'state::list', payload: { scope } });
    assert.deepEqual(
      values,
      Array.from({ length: 19 }, (_, n) => ({ i: n + 1 })),
    );
  } finally {
    await w2.shutdown();
    await second.stop();
  }
});
