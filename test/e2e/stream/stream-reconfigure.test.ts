/** `iii-stream` config changes (workers.md §6.4): port/host rebind, data and triggers kept. */
import assert from 'node:assert/strict';
import { once } from 'node:events';
import { test } from 'node:test';
import { connectWorker, startTestEngine } from '../../helpers/engine.ts';
import { uniqueName } from '../../helpers/names.ts';
import { freePort } from '../../helpers/ports.ts';
import { StreamClient } from './client.ts';

test('changing the port rebinds: old connections drop, the new port serves the same data', async () => {
  const engine = await startTestEngine({ workers: [{ name: 'iii-stream' }] });
  const w = connectWorker(engine);
  const stream_name = uniqueName('rebind');
  const old = await StreamClient.connect(engine.addresses.stream!);
  let fresh: StreamClient | undefined;
  try {
    await w.trigger({ function_id: 'stream::set', payload: { stream_name, group_id: 'g', item_id: 'i', data: 'kept' } });
    const port = await freePort();
    const dropped = once(old.ws, 'close');
    await engine.reconfigure('iii-stream', { host: '127.0.0.1', port });
    await dropped;
    fresh = await StreamClient.connect(`ws://127.0.0.1:${port}`);
    fresh.join('s', stream_name, 'g');
    const [sync] = await fresh.waitFrames(1);
    assert.deepEqual(sync?.event, { type: 'sync', data: ['kept'] });
  } finally {
    await fresh?.close();
    await old.close();
    await w.shutdown();
    await engine.stop();
  }
});
