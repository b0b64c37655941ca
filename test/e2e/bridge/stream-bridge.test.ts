/**
 * The `iii-stream` bridge adapter: two front engines serve their streams from one backend (which runs
 * `iii-stream` and `pubsub`). A write or send through either engine reaches the socket subscribers and
 * `stream` triggers of both, once each.
 */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { connectWorker, startTestEngine } from '../../helpers/engine.ts';
import { uniqueName } from '../../helpers/names.ts';
import { waitFor } from '../../helpers/wait.ts';
import { StreamClient } from '../stream/client.ts';
import { recordTrigger, startBackend } from './harness.ts';

const bridgedStream = (url: string, events: 'trigger' | 'pubsub') => ({
  name: 'iii-stream',
  config: { adapter: { name: 'bridge', config: { bridge_url: url, bridge_stream_events: events } } },
});

for (const events of ['trigger', 'pubsub'] as const) {
  describe(`iii-stream: bridge adapter (bridge_stream_events: ${events})`, () => {
    it('stores on the backend and fans every write and send out to the sockets and triggers of every bridged engine', async () => {
      const backend = await startBackend([{ name: 'iii-stream' }, { name: 'pubsub' }]);
      const a = await startTestEngine({ workers: [bridgedStream(backend.url, events)] });
      const b = await startTestEngine({ workers: [bridgedStream(backend.url, events)] });
      const wa = connectWorker(a);
      const wb = connectWorker(b);
      const stream = uniqueName('clicks');
      const onA = await StreamClient.connect(a.addresses.stream as string);
      const onB = await StreamClient.connect(b.addresses.stream as string);
      try {
        const triggered = await recordTrigger<unknown>(b, wb, 'stream', { stream_name: stream });
        onA.join('sa', stream, 'all');
        onB.join('sb', stream, 'all');
        await Promise.all([onA.waitFrames(1), onB.waitFrames(1)]); // the sync frames

        // Both engines' pubsub subscriptions are live once a probe send reaches both sockets.
        await waitFor(async () => {
          await wa.trigger({ function_id: 'stream::send', payload: { stream_name: stream, group_id: 'probe', type: 'probe', data: null } });
          await wa.trigger({ function_id: 'stream::send', payload: { stream_name: stream, group_id: 'all', type: 'probe', data: null } });
          return onA.frames.length > 1 && onB.frames.length > 1;
        });
        const real = (c: StreamClient) => c.frames.filter((f) => f.event.type !== 'sync' && f.event.event?.type !== 'probe');

        await wa.trigger({ function_id: 'stream::set', payload: { stream_name: stream, group_id: 'all', item_id: 'x', data: { n: 1 } } });
        await wb.trigger({
          function_id: 'stream::update',
          payload: { stream_name: stream, group_id: 'all', item_id: 'x', ops: [{ type: 'increment', path: 'n', by: 1 }] },
        });
        await wb.trigger({ function_id: 'stream::send', payload: { stream_name: stream, group_id: 'all', type: 'ping', data: 7 } });
        await wa.trigger({ function_id: 'stream::delete', payload: { stream_name: stream, group_id: 'all', item_id: 'x' } });
        // Made on the backend itself: only the trigger mode hears of it (the pubsub mode relies on writers publishing).
        await backend.engine.api.invoke('stream::set', { stream_name: stream, group_id: 'all', item_id: 'direct', data: 'b' });
        if (events === 'pubsub')
          await wa.trigger({ function_id: 'stream::set', payload: { stream_name: stream, group_id: 'all', item_id: 'last', data: 'a' } });

        const expected = [
          ['create', { n: 1 }],
          ['update', { n: 2 }],
          ['event', { type: 'ping', data: 7 }],
          ['delete', { n: 2 }],
          events === 'trigger' ? ['create', 'b'] : ['create', 'a'],
        ];
        for (const client of [onA, onB]) {
          await waitFor(() => real(client).length >= expected.length, { what: 'four stream frames' });
          assert.deepEqual(
            real(client).map((f) => [f.event.type, f.event.type === 'event' ? f.event.event : f.event.data]),
            expected,
          );
        }
        type Fired = { groupId: string; event: { type: string; event?: { type: string } } };
        const fired = () => (triggered as Fired[]).filter((e) => e.groupId === 'all' && e.event.event?.type !== 'probe');
        await waitFor(() => fired().length >= expected.length, { what: 'the stream triggers on engine B' });
        assert.deepEqual(
          fired().map((e) => e.event.type),
          ['create', 'update', 'event', 'delete', 'create'],
        );

        await wa.trigger({ function_id: 'stream::set', payload: { stream_name: stream, group_id: 'g2', item_id: 'y', data: 1 } });
        const all = (await wb.trigger({ function_id: 'stream::list_all', payload: {} })) as {
          stream: Array<{ id: string; groups: string[] }>;
        };
        assert.deepEqual(all.stream.find((s) => s.id === stream)?.groups, ['all', 'g2']);
        assert.deepEqual(await wb.trigger({ function_id: 'stream::list', payload: { stream_name: stream, group_id: 'g2' } }), [1]);
        assert.deepEqual(await backend.engine.api.invoke('stream::get', { stream_name: stream, group_id: 'g2', item_id: 'y' }), 1);
      } finally {
        await Promise.all([onA.close(), onB.close()]);
        await Promise.all([wa.shutdown(), wb.shutdown()]);
        await Promise.all([a.stop(), b.stop()]);
        await backend.stop();
      }
    });
  });
}
