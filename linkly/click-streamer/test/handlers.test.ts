import assert from 'node:assert/strict';
import { it } from 'node:test';
import { createHandlers } from '../src/handlers.ts';

it('click-streamer puts each click on clicks/all keyed by code and time, and drops junk', async () => {
  const calls: { function_id: string; payload: unknown }[] = [];
  const streamer = createHandlers({
    trigger: async (call) => {
      calls.push(call);
      return { old_value: null, new_value: call.payload };
    },
  });
  const click = { code: 'abc', clicked_at: '2026-01-01T00:00:00.000Z' };
  assert.deepEqual(await streamer.broadcast(click), { streamed: true });
  assert.deepEqual(calls, [
    {
      function_id: 'stream::set',
      payload: { stream_name: 'clicks', group_id: 'all', item_id: 'abc-2026-01-01T00:00:00.000Z', data: click },
    },
  ]);
  assert.deepEqual(await streamer.broadcast({ code: 1 }), { streamed: false });
  assert.deepEqual(await streamer.broadcast(null), { streamed: false });
  assert.equal(calls.length, 1);
});
