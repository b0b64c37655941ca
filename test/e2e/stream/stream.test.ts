/** `iii-stream` end to end: functions, subscriber socket, custom backends (workers.md §6, protocol.md §5.4, §8). */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { connectWorker, startTestEngine, waitForFunction } from '../../helpers/engine.ts';
import { uniqueName } from '../../helpers/names.ts';
import { StreamClient, shape } from './client.ts';

test('stream functions return the reference shapes', async () => {
  const engine = await startTestEngine({ workers: [{ name: 'iii-stream' }] });
  const w = connectWorker(engine);
  const call = (function_id: string, payload: unknown) => w.trigger({ function_id, payload });
  const stream_name = uniqueName('s');
  const ref = (item_id: string, group_id = 'g1') => ({ stream_name, group_id, item_id });
  try {
    assert.deepEqual(await call('stream::set', { ...ref('b'), data: { n: 1 } }), { old_value: null, new_value: { n: 1 } });
    assert.deepEqual(await call('stream::set', { ...ref('a'), data: { n: 2 } }), { old_value: null, new_value: { n: 2 } });
    assert.deepEqual(await call('stream::set', { ...ref('b'), data: { n: 3 } }), { old_value: { n: 1 }, new_value: { n: 3 } });
    await call('stream::set', { ...ref('x', 'g0'), data: 'other group' });
    assert.deepEqual(await call('stream::get', ref('b')), { n: 3 });
    // Insertion order, bare array.
    assert.deepEqual(await call('stream::list', { stream_name, group_id: 'g1' }), [{ n: 3 }, { n: 2 }]);
    assert.deepEqual(await call('stream::list_groups', { stream_name }), ['g0', 'g1']);
    const all = (await call('stream::list_all', {})) as { stream: { id: string; groups: string[] }[]; count: number };
    assert.deepEqual(
      all.stream.find((x) => x.id === stream_name),
      { id: stream_name, groups: ['g0', 'g1'] },
    );
    assert.equal(all.count, all.stream.length);
    assert.deepEqual(await call('stream::update', { ...ref('a'), ops: [{ type: 'increment', path: 'n', by: 5 }] }), {
      old_value: { n: 2 },
      new_value: { n: 7 },
    });
    assert.deepEqual(await call('stream::delete', ref('a')), { old_value: { n: 7 } });
    assert.deepEqual(await call('stream::delete', ref('a')), { old_value: null });
    assert.equal((await call('stream::send', { stream_name, group_id: 'g1', type: 'ping', data: 1 })) ?? null, null);
    await assert.rejects(call('stream::set', { stream_name, group_id: 'g1' }), { code: 'deserialization_error' });
  } finally {
    await w.shutdown();
    await engine.stop();
  }
});

test('subscribers get sync on join, then create/update/delete/event in order; item joins filter', async () => {
  const engine = await startTestEngine({ workers: [{ name: 'iii-stream' }] });
  const w = connectWorker(engine);
  const call = (function_id: string, payload: unknown) => w.trigger({ function_id, payload });
  const stream_name = uniqueName('todos');
  const ref = (item_id: string) => ({ stream_name, group_id: 'g', item_id });
  const url = engine.addresses.stream!;
  const group = await StreamClient.connect(url);
  const item = await StreamClient.connect(url);
  try {
    await call('stream::set', { ...ref('one'), data: { t: 'first' } });
    group.join('sub-g', stream_name, 'g');
    item.join('sub-i', stream_name, 'g', 'two');
    const [gSync] = await group.waitFrames(1);
    const [iSync] = await item.waitFrames(1);
    assert.deepEqual(shape(gSync!), {
      type: 'stream',
      streamName: stream_name,
      groupId: 'g',
      id: null,
      event: { type: 'sync', data: [{ t: 'first' }] },
    });
    assert.deepEqual(shape(iSync!), {
      type: 'stream',
      streamName: stream_name,
      groupId: 'g',
      id: 'two',
      event: { type: 'sync', data: null },
    });

    await call('stream::set', { ...ref('two'), data: { t: 'a' } });
    await call('stream::update', { ...ref('two'), ops: [{ type: 'set', path: 't', value: 'b' }] });
    await call('stream::set', { ...ref('one'), data: { t: 'first!' } });
    await call('stream::send', { stream_name, group_id: 'g', type: 'typing', data: { who: 'x' } });
    await call('stream::delete', ref('two'));
    await call('stream::set', { stream_name, group_id: 'other', item_id: 'z', data: 0 });

    const frames = (await group.waitFrames(6)).map(shape);
    const ev = (id: string | null, event: unknown) => ({ type: 'stream', streamName: stream_name, groupId: 'g', id, event });
    assert.deepEqual(frames.slice(1), [
      ev('two', { type: 'create', data: { t: 'a' } }),
      ev('two', { type: 'update', data: { t: 'b' } }),
      ev('one', { type: 'update', data: { t: 'first!' } }),
      ev(null, { type: 'event', event: { type: 'typing', data: { who: 'x' } } }),
      ev('two', { type: 'delete', data: { t: 'b' } }),
    ]);
    // The item subscription sees only item `two`.
    assert.deepEqual(
      (await item.waitFrames(4)).slice(1).map((f) => f.event.type),
      ['create', 'update', 'delete'],
    );

    // After leave, nothing more arrives for that subscription; a marker on a second subscription proves it.
    group.leave('sub-g', stream_name, 'g');
    group.join('sub-marker', stream_name, 'marker');
    await group.waitFrames(7);
    await call('stream::set', { ...ref('three'), data: 3 });
    await call('stream::set', { stream_name, group_id: 'marker', item_id: 'm', data: 'm' });
    const after = await group.waitFrames(8);
    assert.deepEqual(shape(after[7]!), {
      type: 'stream',
      streamName: stream_name,
      groupId: 'marker',
      id: 'm',
      event: { type: 'create', data: 'm' },
    });
    assert.equal(group.frames.length, 8);
  } finally {
    await group.close();
    await item.close();
    await w.shutdown();
    await engine.stop();
  }
});

test('custom stream backends: stream::<op>(<name>) functions are used and events still fire', async () => {
  const engine = await startTestEngine({ workers: [{ name: 'iii-stream' }] });
  const w = connectWorker(engine);
  const stream_name = uniqueName('custom');
  const items = new Map<string, unknown>();
  const client = await StreamClient.connect(engine.addresses.stream!);
  try {
    w.registerFunction(`stream::get(${stream_name})`, async (i: { item_id: string }) => items.get(i.item_id) ?? null);
    w.registerFunction(`stream::set(${stream_name})`, async (i: { item_id: string; data: unknown }) => {
      const old_value = items.get(i.item_id) ?? null;
      items.set(i.item_id, i.data);
      return { old_value, new_value: i.data };
    });
    w.registerFunction(`stream::list(${stream_name})`, async () => [...items.values()]);
    w.registerFunction(`stream::list_groups(${stream_name})`, async () => ['custom-group']);
    w.registerFunction(`stream::delete(${stream_name})`, async (i: { item_id: string }) => {
      const old_value = items.get(i.item_id) ?? null;
      items.delete(i.item_id);
      return { old_value };
    });
    for (const op of ['get', 'set', 'list', 'list_groups', 'delete']) await waitForFunction(engine, `stream::${op}(${stream_name})`);
    const call = (function_id: string, payload: unknown) => w.trigger({ function_id, payload });
    client.join('s1', stream_name, 'g');
    await client.waitFrames(1);
    assert.deepEqual(await call('stream::set', { stream_name, group_id: 'g', item_id: 'i', data: 42 }), { old_value: null, new_value: 42 });
    assert.equal(items.get('i'), 42);
    assert.equal(await call('stream::get', { stream_name, group_id: 'g', item_id: 'i' }), 42);
    assert.deepEqual(await call('stream::list', { stream_name, group_id: 'g' }), [42]);
    assert.deepEqual(await call('stream::list_groups', { stream_name }), ['custom-group']);
    assert.deepEqual(await call('stream::delete', { stream_name, group_id: 'g', item_id: 'i' }), { old_value: 42 });
    const frames = await client.waitFrames(3);
    assert.deepEqual(
      frames.map((f) => [f.event.type, f.event.data]),
      [
        ['sync', []],
        ['create', 42],
        ['delete', 42],
      ],
    );
  } finally {
    await client.close();
    await w.shutdown();
    await engine.stop();
  }
});
