/**
 * Chapter 5 in miniature (seed: click-streamer): a `subscribe`d function calls `stream::set` for every
 * published click and a WebSocket subscriber of `clicks`/`all` sees each one. Plus the slow-consumer rule:
 * a paused subscriber neither blocks a fast one nor grows the engine's memory; it is dropped with 1013.
 */
import assert from 'node:assert/strict';
import { once } from 'node:events';
import type { Socket } from 'node:net';
import { test } from 'node:test';
import { connectWorker, startTestEngine } from '../../helpers/engine.ts';
import { uniqueName } from '../../helpers/names.ts';
import { waitFor } from '../../helpers/wait.ts';
import { waitForTrigger } from '../state/trigger-ready.ts';
import { StreamClient } from './client.ts';

test('published clicks reach a stream subscriber through a subscribe-triggered stream::set', async () => {
  const engine = await startTestEngine({ workers: [{ name: 'pubsub' }, { name: 'iii-stream' }] });
  const w = connectWorker(engine, uniqueName('click-streamer'));
  const topic = uniqueName('link.clicked');
  const stream_name = uniqueName('clicks');
  const fn = uniqueName('click-streamer::broadcast');
  const browser = await StreamClient.connect(engine.addresses.stream!);
  try {
    w.registerFunction(fn, async (data: { code: string; clicked_at: string }) => {
      await w.trigger({
        function_id: 'stream::set',
        payload: { stream_name, group_id: 'all', item_id: `${data.code}-${data.clicked_at}`, data },
      });
      return { streamed: true };
    });
    w.registerTrigger({ type: 'subscribe', function_id: fn, config: { topic } });
    await waitForTrigger(engine, fn, 'subscribe');
    browser.join('live', stream_name, 'all');
    await browser.waitFrames(1);

    const clicks = [1, 2, 3].map((n) => ({ code: 'stream-me', clicked_at: `2026-01-01T00:00:0${n}Z` }));
    for (const data of clicks) await w.trigger({ function_id: 'publish', payload: { topic, data } });
    const frames = await browser.waitFrames(4);
    // pubsub delivers concurrently, so compare as a set; each arrives as a create with the click as data.
    assert.deepEqual(
      frames
        .slice(1)
        .map((f) => [f.event.type, f.id, f.event.data])
        .sort((a, b) => String(a[1]).localeCompare(String(b[1]))),
      clicks.map((c) => ['create', `${c.code}-${c.clicked_at}`, c]),
    );
    assert.equal(((await w.trigger({ function_id: 'stream::list', payload: { stream_name, group_id: 'all' } })) as unknown[]).length, 3);
  } finally {
    await browser.close();
    await w.shutdown();
    await engine.stop();
  }
});

test('a paused subscriber is dropped with 1013 and does not hold back a fast one', async () => {
  const limit = 64 * 1024;
  const engine = await startTestEngine({ workers: [{ name: 'iii-stream', config: { max_buffered_bytes_per_socket: limit } }] });
  const w = connectWorker(engine);
  const stream_name = uniqueName('firehose');
  const onLeave = uniqueName('on-leave');
  const left: string[] = [];
  const fast = await StreamClient.connect(engine.addresses.stream!);
  const slow = await StreamClient.connect(engine.addresses.stream!);
  try {
    w.registerFunction(onLeave, async (e: { subscription_id: string }) => {
      left.push(e.subscription_id);
      return null;
    });
    w.registerTrigger({ type: 'stream:leave', function_id: onLeave, config: {} });
    await waitForTrigger(engine, onLeave, 'stream:leave');
    fast.join('fast', stream_name, 'g');
    slow.join('slow', stream_name, 'g');
    await fast.waitFrames(1);
    await slow.waitFrames(1);
    // Stop reading on the slow client: its kernel buffers fill, then the engine-side socket buffer grows.
    (slow.ws as unknown as { _socket: Socket })._socket.pause();

    const payload = 'x'.repeat(32 * 1024);
    let sent = 0;
    // Bounded: a paused reader's kernel buffers stop growing after a few MiB, far below 4000 × 32 KiB.
    while (!left.includes('slow') && sent < 4000) {
      await w.trigger({
        function_id: 'stream::set',
        payload: { stream_name, group_id: 'g', item_id: `i${sent}`, data: { n: sent, payload } },
      });
      sent++;
    }
    assert.ok(left.includes('slow'), `slow subscriber was never dropped after ${sent} writes`);
    // The fast subscriber got every write, in order, while the slow one was stuck.
    const frames = await fast.waitFrames(1 + sent, 30_000);
    assert.deepEqual(
      frames.slice(1).map((f) => (f.event.data as { n: number }).n),
      Array.from({ length: sent }, (_, i) => i),
    );
    assert.equal(fast.closeCode, undefined);

    // Let the slow client read again: it drains what was buffered, then sees the 1013 close.
    const closed = once(slow.ws, 'close');
    (slow.ws as unknown as { _socket: Socket })._socket.resume();
    await closed;
    assert.equal(slow.closeCode, 1013);
    assert.match(slow.closeReason, /E_STREAM_SLOW_CONSUMER/);
    assert.ok(slow.frames.length < fast.frames.length, 'the slow client must have missed frames');
    await waitFor(() => fast.frames.length === 1 + sent);
  } finally {
    await fast.close();
    await slow.close();
    await w.shutdown();
    await engine.stop();
  }
});
