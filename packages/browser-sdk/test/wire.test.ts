/**
 * The frames on the wire and the connection lifecycle, against a bare WebSocket server that records what
 * the SDK sends (protocol.md §1.5–§1.8, §2): exact shapes, replay order, states, keepalive, error texts.
 */
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { type IIIConnectionState, registerWorker, TriggerAction } from '../src/index.ts';
import { rawServer } from './browser-globals.ts';

const FAST = { reconnectionConfig: { initialDelayMs: 5, maxDelayMs: 20 } };

/** Resolves when the listener has seen `state`. */
function reach(
  states: IIIConnectionState[],
  state: IIIConnectionState,
  sdk: { addConnectionStateListener(h: (s: IIIConnectionState) => void): () => void },
) {
  return new Promise<void>((resolve) => {
    const off = sdk.addConnectionStateListener((s) => {
      states.push(s);
      if (s === state) {
        queueMicrotask(() => off());
        resolve();
      }
    });
  });
}

describe('browser SDK on the wire', () => {
  let server: Awaited<ReturnType<typeof rawServer>>;
  before(async () => {
    server = await rawServer();
  });
  after(() => server.close());

  it('sends calls, triggers and the announcement in the official shapes, and replays them after a drop', async () => {
    const iii = registerWorker(server.url, { ...FAST, workerName: 'tab-1' });
    try {
      const fn = iii.registerFunction('ui::hello', async (d: { n: number }) => ({ n: d.n + 1 }), { description: 'hi' });
      assert.throws(() => iii.registerFunction('ui::hello', async () => 1), /function id already registered: ui::hello/);
      assert.throws(() => iii.registerFunction(' ', async () => 1), /id is required/);
      iii.registerTrigger({ type: 'stream', function_id: 'ui::hello', config: { stream_name: 'clicks' } });
      const conn = await server.nextConnection();
      assert.deepEqual(await conn.next('registerfunction'), { type: 'registerfunction', id: 'ui::hello', description: 'hi' });
      const trig = await conn.next('registertrigger');
      assert.equal(trig.trigger_type, 'stream');
      assert.equal(typeof trig.id, 'string');
      const announce = await conn.next('invokefunction');
      assert.equal(announce.function_id, 'engine::workers::register');
      assert.deepEqual(announce.action, { type: 'void' });
      assert.equal(announce.invocation_id, undefined);
      assert.equal((announce.data as { name: string; runtime: string }).name, 'tab-1');
      conn.socket.send(JSON.stringify({ type: 'workerregistered', worker_id: 'w-1', reattach_token: 't-1' }));

      void iii.trigger({ function_id: 'x::void', payload: { a: 1 }, action: TriggerAction.Void() });
      const v = await conn.next('invokefunction');
      assert.deepEqual(v, { type: 'invokefunction', function_id: 'x::void', data: { a: 1 }, action: { type: 'void' } });
      const enq = iii.trigger({ function_id: 'x::enq', payload: {}, action: TriggerAction.Enqueue({ queue: 'jobs' }) });
      const e = await conn.next('invokefunction');
      assert.deepEqual(e.action, { type: 'enqueue', queue: 'jobs' });
      conn.socket.send(JSON.stringify({ type: 'invocationresult', invocation_id: e.invocation_id, result: { messageReceiptId: 'm1' } }));
      assert.deepEqual(await enq, { messageReceiptId: 'm1' });

      // the engine calls us; a throw comes back as invocation_failed, an unknown id as function_not_found
      conn.socket.send(
        JSON.stringify({ type: 'invokefunction', invocation_id: 'i-1', function_id: 'ui::hello', data: { n: 1 }, traceparent: 'tp' }),
      );
      assert.deepEqual(await conn.next('invocationresult'), {
        type: 'invocationresult',
        invocation_id: 'i-1',
        function_id: 'ui::hello',
        result: { n: 2 },
        traceparent: 'tp',
      });
      conn.socket.send(JSON.stringify({ type: 'invokefunction', invocation_id: 'i-2', function_id: 'ui::nope', data: {} }));
      assert.deepEqual((await conn.next('invocationresult')).error, { code: 'function_not_found', message: 'Function not found' });

      // a network drop: reconnect, reattach first, then the replay
      conn.socket.terminate();
      const again = await server.nextConnection();
      assert.deepEqual(await again.next(), { type: 'reattach', previous_worker_id: 'w-1', reattach_token: 't-1' });
      assert.equal((await again.next()).type, 'registerfunction');
      assert.deepEqual((await again.next()).id, trig.id);
      fn.unregister();
      assert.deepEqual(await again.next('unregisterfunction'), { type: 'unregisterfunction', id: 'ui::hello' });
    } finally {
      await iii.shutdown();
    }
  });

  it('rejects with coded Errors: the engine error, a timeout, a shutdown', async () => {
    const iii = registerWorker(server.url, FAST);
    const conn = await server.nextConnection();
    const failing = iii.trigger({ function_id: 'x::fail', payload: {} });
    const f = await conn.next('invokefunction');
    conn.socket.send(
      JSON.stringify({
        type: 'invocationresult',
        invocation_id: f.invocation_id,
        error: { code: 'FORBIDDEN', message: "function 'x::fail' not allowed" },
      }),
    );
    await assert.rejects(
      failing,
      (err: Error & { code: string }) => err instanceof Error && err.code === 'FORBIDDEN' && /x::fail/.test(err.message),
    );
    await assert.rejects(iii.trigger({ function_id: 'x::slow', payload: {}, timeoutMs: 1 }), {
      code: 'TIMEOUT',
      message: 'Invocation timeout after 1ms: x::slow',
    });
    const hanging = iii.trigger({ function_id: 'x::hang', payload: {} });
    await iii.shutdown();
    await assert.rejects(hanging, { message: 'iii is shutting down' });
    await assert.rejects(iii.trigger({ function_id: 'x::after', payload: {} }), { message: 'iii is shutting down' });
  });

  it('reports connection states, queues calls made while offline, and goes to failed after maxRetries', async () => {
    const own = await rawServer();
    const states: IIIConnectionState[] = [];
    const iii = registerWorker(own.url, { reconnectionConfig: { initialDelayMs: 5, maxDelayMs: 5, maxRetries: 1 } });
    try {
      const connected = reach(states, 'connected', iii);
      const call = iii.trigger({ function_id: 'x::queued', payload: 1 });
      const conn = await own.nextConnection();
      await connected;
      const q = await conn.next('invokefunction');
      assert.equal(q.function_id, 'x::queued');
      conn.socket.send(JSON.stringify({ type: 'invocationresult', invocation_id: q.invocation_id, result: 'ok' }));
      assert.equal(await call, 'ok');
      assert.deepEqual(states, ['connecting', 'connected']);

      const seen: IIIConnectionState[] = [];
      const failed = reach(seen, 'failed', iii);
      // the server goes away: the one retry is refused, then the worker gives up
      await own.close();
      await failed;
      assert.deepEqual(seen, ['connected', 'disconnected', 'reconnecting', 'connecting', 'disconnected', 'failed']);
    } finally {
      await iii.shutdown();
      await own.close().catch(() => {});
    }
  });

  it('pings when idle and drops a socket on which nothing arrives (half-open TCP)', async () => {
    const iii = registerWorker(server.url, { ...FAST, keepaliveIntervalMs: 20, idleTimeoutMs: 100 });
    try {
      const conn = await server.nextConnection();
      // this server never answers pings: the SDK must give up on the socket and dial again
      assert.deepEqual(await conn.next('ping'), { type: 'ping' });
      const again = await server.nextConnection();
      assert.equal((await again.next('invokefunction')).function_id, 'engine::workers::register');
    } finally {
      await iii.shutdown();
    }
  });

  it('answers a custom trigger type registration from the engine', async () => {
    const iii = registerWorker(server.url, FAST);
    try {
      const seen: unknown[] = [];
      iii.registerTriggerType<{ every: number }>(
        { id: 'ui::tick', description: 'ticks' },
        {
          registerTrigger: async (c) => void seen.push(['+', c]),
          unregisterTrigger: async (c) => void seen.push(['-', c]),
        },
      );
      const conn = await server.nextConnection();
      assert.deepEqual(await conn.next('registertriggertype'), { type: 'registertriggertype', id: 'ui::tick', description: 'ticks' });
      conn.socket.send(
        JSON.stringify({ type: 'registertrigger', id: 't1', trigger_type: 'ui::tick', function_id: 'f', config: { every: 5 } }),
      );
      assert.deepEqual(await conn.next('triggerregistrationresult'), {
        type: 'triggerregistrationresult',
        id: 't1',
        trigger_type: 'ui::tick',
        function_id: 'f',
      });
      conn.socket.send(JSON.stringify({ type: 'registertrigger', id: 't2', trigger_type: 'ui::nope', function_id: 'f', config: {} }));
      assert.equal(((await conn.next('triggerregistrationresult')).error as { code: string }).code, 'trigger_type_not_found');
      conn.socket.send(JSON.stringify({ type: 'unregistertrigger', id: 't1', trigger_type: 'ui::tick' }));
      // the unregister is handled before the next frame: a round trip proves it ran
      const probe = iii.trigger({ function_id: 'x::probe', payload: {} });
      const p = await conn.next('invokefunction');
      conn.socket.send(JSON.stringify({ type: 'invocationresult', invocation_id: p.invocation_id, result: 1 }));
      await probe;
      assert.deepEqual(seen, [
        ['+', { id: 't1', function_id: 'f', config: { every: 5 } }],
        ['-', { id: 't1', function_id: '', config: undefined }],
      ]);
    } finally {
      await iii.shutdown();
    }
  });
});
