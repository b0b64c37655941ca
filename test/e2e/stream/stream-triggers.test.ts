/** Trigger types `stream`, `stream:join`, `stream:leave` and the socket auth function (protocol.md §4.2.5, §8.1). */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { connectWorker, startTestEngine, waitForFunction } from '../../helpers/engine.ts';
import { uniqueName } from '../../helpers/names.ts';
import { waitFor } from '../../helpers/wait.ts';
import { waitForTrigger } from '../state/trigger-ready.ts';
import { StreamClient, shape } from './client.ts';

test('stream triggers: filters, payload wrapper, metadata; stream_name is required', async () => {
  const engine = await startTestEngine({ workers: [{ name: 'iii-stream' }] });
  const w = connectWorker(engine);
  const stream_name = uniqueName('clicks');
  const handler = uniqueName('on-stream');
  const got: { event: { timestamp: number } & Record<string, unknown>; meta: unknown }[] = [];
  try {
    w.registerFunction(handler, async (event: { timestamp: number }, meta: unknown) => {
      got.push({ event, meta });
      return null;
    });
    w.registerTrigger({ type: 'stream', function_id: handler, config: { stream_name, group_id: 'all' }, metadata: { m: 1 } });
    await waitForTrigger(engine, handler, 'stream');
    await assert.rejects(engine.api.invoke('engine::register_trigger', { trigger_type: 'stream', function_id: handler, config: {} }), {
      code: 'trigger_registration_failed',
    });

    const call = (function_id: string, payload: unknown) => w.trigger({ function_id, payload });
    const before = Date.now();
    await call('stream::set', { stream_name, group_id: 'all', item_id: 'c1', data: { code: 'abc' } });
    await call('stream::set', { stream_name, group_id: 'other', item_id: 'c2', data: 'ignored' });
    await call('stream::set', { stream_name: `${stream_name}-x`, group_id: 'all', item_id: 'c3', data: 'ignored' });
    await call('stream::send', { stream_name, group_id: 'all', type: 'hello', data: 1, id: 'c1' });
    await call('stream::delete', { stream_name, group_id: 'all', item_id: 'c1' });
    await call('stream::delete', { stream_name, group_id: 'all', item_id: 'c1' });
    await call('stream::set', { stream_name, group_id: 'all', item_id: 'last', data: 'sentinel' });
    await waitFor(() => got.some((g) => g.event.id === 'last'), { what: 'sentinel stream event' });

    const { timestamp, ...first } = got[0]!.event;
    assert.ok(timestamp >= before && timestamp <= Date.now());
    assert.deepEqual(first, {
      type: 'stream',
      streamName: stream_name,
      groupId: 'all',
      id: 'c1',
      event: { type: 'create', data: { code: 'abc' } },
    });
    assert.deepEqual(got[0]!.meta, { m: 1 });
    assert.deepEqual(
      got.map((g) => [g.event.id, g.event.event]),
      [
        ['c1', { type: 'create', data: { code: 'abc' } }],
        ['c1', { type: 'event', event: { type: 'hello', data: 1 } }],
        // Only one delete: the second found nothing.
        ['c1', { type: 'delete', data: { code: 'abc' } }],
        ['last', { type: 'create', data: 'sentinel' }],
      ],
    );
  } finally {
    await w.shutdown();
    await engine.stop();
  }
});

test('auth context reaches join/leave triggers; a join handler can refuse; close fires leave', async () => {
  const auth = uniqueName('auth');
  const engine = await startTestEngine({ workers: [{ name: 'iii-stream', config: { auth_function: auth } }] });
  const w = connectWorker(engine);
  const onJoin = uniqueName('on-join');
  const onLeave = uniqueName('on-leave');
  const joins: Record<string, unknown>[] = [];
  const leaves: Record<string, unknown>[] = [];
  const authInputs: { query_params: Record<string, string[]>; path: string; addr: string }[] = [];
  let client: StreamClient | undefined;
  try {
    w.registerFunction(auth, async (input: { query_params: Record<string, string[]>; path: string; addr: string }) => {
      authInputs.push(input);
      return { context: { user: input.query_params.user?.[0] ?? null } };
    });
    w.registerFunction(onJoin, async (e: Record<string, unknown>) => {
      joins.push(e);
      return e.stream_name === 'secret' ? { unauthorized: true } : {};
    });
    w.registerFunction(onLeave, async (e: Record<string, unknown>) => {
      leaves.push(e);
      return null;
    });
    w.registerTrigger({ type: 'stream:join', function_id: onJoin, config: {} });
    w.registerTrigger({ type: 'stream:leave', function_id: onLeave, config: {} });
    await waitForFunction(engine, auth);
    await waitForTrigger(engine, onJoin, 'stream:join');
    await waitForTrigger(engine, onLeave, 'stream:leave');

    client = await StreamClient.connect(`${engine.addresses.stream}/?user=ada&user=bob`);
    assert.deepEqual(authInputs[0]?.query_params, { user: ['ada', 'bob'] });
    assert.equal(authInputs[0]?.path, '/');
    assert.match(authInputs[0]?.addr ?? '', /:\d+$/);

    client.join('s-secret', 'secret', 'g');
    client.join('s-open', 'open', 'g', 'item-1');
    const [refused, sync] = await client.waitFrames(2);
    assert.deepEqual(shape(refused!), { type: 'stream', streamName: 'secret', groupId: 'g', id: null, event: { type: 'unauthorized' } });
    assert.deepEqual(shape(sync!), { type: 'stream', streamName: 'open', groupId: 'g', id: 'item-1', event: { type: 'sync', data: null } });
    assert.deepEqual(joins[1], { subscription_id: 's-open', stream_name: 'open', group_id: 'g', id: 'item-1', context: { user: 'ada' } });

    await client.close();
    await waitFor(() => leaves.length === 1, { what: 'leave trigger on close' });
    // Only the accepted subscription leaves.
    assert.deepEqual(leaves[0], { subscription_id: 's-open', stream_name: 'open', group_id: 'g', id: 'item-1', context: { user: 'ada' } });
  } finally {
    await client?.close();
    await w.shutdown();
    await engine.stop();
  }
});
