/**
 * iii-browser-sdk against the real engine, in Node with `ws` as the global WebSocket: registration and
 * listings, calls both ways (with a real iii-sdk worker on the other side), triggers, a custom trigger
 * type's lifecycle, channels both ways through an RBAC listener whose URL carries ?token=, reconnection,
 * and `engine::functions-available`.
 */
import '../../packages/browser-sdk/test/browser-globals.ts';
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { type IIIConnectionState, type ISdk, registerWorker, TriggerAction } from 'iii-browser-sdk';
import { createChannel } from 'iii-browser-sdk/helpers';
import { createChannel as nodeCreateChannel } from 'iii-sdk/helpers';
import { sockets } from '../../packages/browser-sdk/test/browser-globals.ts';
import { connectWorker, startTestEngine, type TestEngine, waitForFunction } from '../helpers/engine.ts';
import { uniqueName } from '../helpers/names.ts';
import { waitFor } from '../helpers/wait.ts';

const FAST = { reconnectionConfig: { initialDelayMs: 10, maxDelayMs: 50 } };

function connected(iii: ISdk): Promise<void> {
  return new Promise((resolve) => {
    const off = iii.addConnectionStateListener((s: IIIConnectionState) => {
      if (s === 'connected') {
        queueMicrotask(() => off());
        resolve();
      }
    });
  });
}

describe('iii-browser-sdk against the Triad engine', () => {
  let engine: TestEngine;
  let node: ReturnType<typeof connectWorker>;
  let rbacUrl = '';
  before(async () => {
    engine = await startTestEngine({
      workers: [
        { name: 'iii-worker-manager', config: { host: '127.0.0.1', port: 0 } },
        {
          name: 'iii-worker-manager',
          config: {
            host: '127.0.0.1',
            port: 0,
            rbac: {
              auth_function_id: 'bsdk::auth',
              expose_functions: ['match("pub::*")'],
            },
          },
        },
        { name: 'iii-stream' },
      ],
    });
    rbacUrl = engine.addresses['iii-worker-manager#1'] as string;
    node = connectWorker(engine, uniqueName('node'));
    node.registerFunction('bsdk::auth', async (req: { query_params: Record<string, string[]> }) => {
      if (req.query_params.token?.[0] !== 'tok en') throw new Error('invalid token');
      return { allow_function_registration: true, context: { user: 'tab' } };
    });
    node.registerFunction('pub::add', async (d: { a: number; b: number }) => ({ sum: d.a + d.b }));
    node.registerFunction('pub::read_all', async (d: { reader: { stream: AsyncIterable<Buffer> } }) => {
      let text = '';
      for await (const chunk of d.reader.stream) text += chunk.toString();
      return { text };
    });
    node.registerFunction('pub::write_to', async (d: { writer: { stream: NodeJS.WritableStream } }) => {
      d.writer.stream.end(Buffer.from('from node'));
      return { ok: true };
    });
    for (const f of ['bsdk::auth', 'pub::add', 'pub::read_all', 'pub::write_to']) await waitForFunction(engine, f);
  });
  after(async () => {
    await node.shutdown();
    await engine.stop();
  });

  it('registers, announces itself, and calls both ways', async () => {
    const name = uniqueName('tab');
    const iii = registerWorker(engine.workerUrl, { ...FAST, workerName: name });
    try {
      iii.registerFunction('ui::greet', async (d: { who: string }) => ({ hello: d.who }));
      await waitForFunction(engine, 'ui::greet');
      assert.deepEqual(await node.trigger({ function_id: 'ui::greet', payload: { who: 'node' } }), { hello: 'node' });
      assert.deepEqual(await iii.trigger({ function_id: 'pub::add', payload: { a: 2, b: 3 } }), { sum: 5 });
      await assert.rejects(
        iii.trigger({ function_id: 'nope::nope', payload: {} }),
        (e: Error & { code: string }) => e instanceof Error && e.code === 'function_not_found',
      );
      assert.equal(await iii.trigger({ function_id: 'pub::add', payload: { a: 1, b: 1 }, action: TriggerAction.Void() }), undefined);
      // the tab is listed under its name, with runtime browser
      await waitFor(
        async () => {
          const { workers } = (await node.trigger({ function_id: 'engine::workers::list', payload: {} })) as {
            workers: { name: string; runtime: string }[];
          };
          return workers.some((w) => w.name === name && w.runtime === 'browser');
        },
        { timeoutMs: 30_000, what: `worker ${name} in engine::workers::list` },
      );
    } finally {
      await iii.shutdown();
    }
  });

  it('binds a stream trigger to a browser function', async () => {
    const iii = registerWorker(engine.workerUrl, FAST);
    const stream = uniqueName('s');
    try {
      const events: { event: { type: string; data: unknown } }[] = [];
      iii.registerFunction('ui::on_item', async (e: { event: { type: string; data: unknown } }) => {
        events.push(e);
        return null;
      });
      const t = iii.registerTrigger({ type: 'stream', function_id: 'ui::on_item', config: { stream_name: stream, group_id: 'all' } });
      await waitFor(
        async () => {
          const r = (await node.trigger({ function_id: 'engine::registered-triggers::list', payload: {} })) as {
            registered_triggers: { function_id: string }[];
          };
          return r.registered_triggers.some((x) => x.function_id === 'ui::on_item');
        },
        { timeoutMs: 30_000, what: 'the stream trigger' },
      );
      await node.trigger({ function_id: 'stream::set', payload: { stream_name: stream, group_id: 'all', item_id: 'a', data: { n: 1 } } });
      await waitFor(() => events.length === 1, { timeoutMs: 30_000, what: 'the stream event' });
      assert.equal(events[0]?.event.type, 'create');
      assert.deepEqual(events[0]?.event.data, { n: 1 });
      t.unregister();
    } finally {
      await iii.shutdown();
    }
  });

  it('serves a custom trigger type: a Node worker binds to it, the tab reconnects, the binding keeps its id', async () => {
    const iii = registerWorker(engine.workerUrl, FAST);
    const type = uniqueName('ui::tick');
    const seen: [string, { id: string; function_id: string; config: unknown }][] = [];
    try {
      iii.registerTriggerType<{ every: number }>(
        { id: type, description: 'ticks from the tab' },
        {
          registerTrigger: async (c) => void seen.push(['+', c]),
          unregisterTrigger: async (c) => void seen.push(['-', c]),
        },
      );
      await waitFor(
        async () => {
          const r = (await node.trigger({ function_id: 'engine::triggers::list', payload: {} })) as { triggers: { id: string }[] };
          return r.triggers.some((t) => t.id === type);
        },
        { timeoutMs: 30_000, what: `trigger type ${type}` },
      );
      const consumer = connectWorker(engine, uniqueName('consumer'));
      const fn = uniqueName('tick::fn');
      consumer.registerFunction(fn, async () => null);
      consumer.registerTrigger({ type, function_id: fn, config: { every: 5 } });
      await waitFor(() => seen.length === 1, { timeoutMs: 30_000, what: 'registerTrigger on the tab' });
      const first = seen[0]![1];
      assert.deepEqual({ function_id: first.function_id, config: first.config }, { function_id: fn, config: { every: 5 } });

      // cut the tab's socket: it reconnects, re-registers the type, and the engine re-delivers the same trigger id
      const before = sockets.length;
      const ws = sockets.at(-1)!;
      ws.terminate();
      await waitFor(() => seen.length >= 2 && seen.at(-1)![0] === '+', { timeoutMs: 30_000, what: 're-delivery after reconnect' });
      assert.ok(sockets.length > before);
      assert.equal(seen.at(-1)![1].id, first.id);

      // the consumer goes away: one unregisterTrigger keyed on the id
      await consumer.shutdown();
      await waitFor(() => seen.at(-1)![0] === '-', { timeoutMs: 30_000, what: 'unregisterTrigger' });
      assert.deepEqual(seen.at(-1)![1], { id: first.id, function_id: '', config: undefined });
    } finally {
      await iii.shutdown();
    }
  });

  it('moves channel data both ways through an RBAC listener whose URL carries ?token=', async () => {
    const iii = registerWorker(`${rbacUrl}?token=${encodeURIComponent('tok en')}`, FAST);
    try {
      // tab → node: the tab writes, the Node worker reads through the ref
      const up = await createChannel(iii, undefined);
      const reading = iii.trigger({ function_id: 'pub::read_all', payload: { reader: up.readerRef } });
      up.writer.sendBinary(new TextEncoder().encode('hello '));
      up.writer.sendBinary(new TextEncoder().encode('from the tab'));
      up.writer.close();
      assert.deepEqual(await reading, { text: 'hello from the tab' });

      // node → tab: the Node worker writes to a channel the tab reads
      const down = await createChannel(iii, undefined);
      const all = down.reader.readAll();
      await iii.trigger({ function_id: 'pub::write_to', payload: { writer: down.writerRef } });
      assert.equal(new TextDecoder().decode(await all), 'from node');

      // and a Node-made channel handed to the tab arrives as a live reader
      const nodeChan = await nodeCreateChannel(node);
      iii.registerFunction('ui::read', async (d: { reader: { readAll(): Promise<Uint8Array> } }) => ({
        text: new TextDecoder().decode(await d.reader.readAll()),
      }));
      await waitForFunction(engine, 'ui::read');
      const res = node.trigger({ function_id: 'ui::read', payload: { reader: nodeChan.readerRef } });
      nodeChan.writer.stream.end(Buffer.from('node made this'));
      assert.deepEqual(await res, { text: 'node made this' });
    } finally {
      await iii.shutdown();
    }
  });

  it('is refused at connect with a wrong token, and gets FORBIDDEN naming what it may not call', async () => {
    const bad = registerWorker(`${rbacUrl}?token=wrong`, FAST);
    try {
      await assert.rejects(bad.trigger({ function_id: 'pub::add', payload: { a: 1, b: 2 } }), { code: 'AUTH_ERROR' });
    } finally {
      await bad.shutdown();
    }
    const iii = registerWorker(`${rbacUrl}?token=tok%20en`, FAST);
    try {
      await connected(iii);
      await assert.rejects(iii.trigger({ function_id: 'bsdk::auth', payload: {} }), (e: Error & { code: string }) => {
        assert.equal(e.code, 'FORBIDDEN');
        assert.match(e.message, /bsdk::auth/);
        return true;
      });
    } finally {
      await iii.shutdown();
    }
  });

  it('hears engine::functions-available when the function set changes', async () => {
    const iii = registerWorker(engine.workerUrl, FAST);
    const fresh = uniqueName('late::fn');
    try {
      const events: { event: string; functions: { function_id: string }[] }[] = [];
      iii.registerFunction('ui::functions_changed', async (e: (typeof events)[number]) => {
        events.push(e);
        return null;
      });
      iii.registerTrigger({ type: 'engine::functions-available', function_id: 'ui::functions_changed', config: {} });
      await waitForFunction(engine, 'ui::functions_changed');
      node.registerFunction(fresh, async () => null);
      await waitFor(() => events.some((e) => e.functions.some((f) => f.function_id === fresh)), {
        timeoutMs: 60_000,
        what: `functions_changed listing ${fresh}`,
      });
    } finally {
      await iii.shutdown();
    }
  });
});
