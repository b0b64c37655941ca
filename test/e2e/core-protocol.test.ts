/** Engine core at the wire level (raw WebSocket): reattach semantics and bad input, with a healthy SDK worker still served. */
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import WebSocket from 'ws';
import { connectWorker, startTestEngine, type TestEngine, waitForFunction } from '../helpers/engine.ts';
import { uniqueName } from '../helpers/names.ts';
import { waitFor } from '../helpers/wait.ts';

type Frame = Record<string, unknown> & { type: string };

/** A raw protocol client that records every frame it receives. */
async function rawClient(
  url: string,
): Promise<{ ws: WebSocket; frames: Frame[]; send(v: unknown): void; next(pred: (f: Frame) => boolean): Promise<Frame> }> {
  const ws = new WebSocket(url);
  const frames: Frame[] = [];
  ws.on('message', (d) => frames.push(JSON.parse(d.toString()) as Frame));
  await new Promise((r, j) => {
    ws.once('open', r);
    ws.once('error', j);
  });
  return {
    ws,
    frames,
    send: (v) => ws.send(typeof v === 'string' ? v : JSON.stringify(v)),
    next: (pred) => waitFor(() => frames.find(pred), { what: 'a matching frame' }),
  };
}

describe('engine core: wire protocol', () => {
  let engine: TestEngine;
  before(async () => {
    engine = await startTestEngine({
      workers: [{ name: 'iii-worker-manager', config: { max_frame_bytes: 64 * 1024, max_functions_per_worker: 50 } }],
    });
  });
  after(() => engine.stop());

  it('sends workerregistered first, answers JSON pings, and retires a ghost socket on reattach', async () => {
    const ns = uniqueName('reattach');
    const old = await rawClient(engine.workerUrl);
    const hello = await old.next((f) => f.type === 'workerregistered');
    assert.equal(old.frames[0]?.type, 'workerregistered');
    old.send({ type: 'ping' });
    await old.next((f) => f.type === 'pong');
    old.send({ type: 'registerfunction', id: `${ns}::f` });
    await waitForFunction(engine, `${ns}::f`);

    const fresh = await rawClient(engine.workerUrl);
    // a wrong token is ignored: the old socket keeps its function
    fresh.send({ type: 'reattach', previous_worker_id: hello.worker_id, reattach_token: '00000000-0000-4000-8000-000000000000' });
    fresh.send({ type: 'ping' });
    await fresh.next((f) => f.type === 'pong');
    assert.ok(engine.api.hasFunction(`${ns}::f`));
    // the right token retires the old socket before the next frame is read
    const closed = new Promise((r) => old.ws.once('close', r));
    fresh.send({ type: 'reattach', previous_worker_id: hello.worker_id, reattach_token: hello.reattach_token });
    fresh.send({ type: 'registerfunction', id: `${ns}::g` });
    await closed;
    await waitForFunction(engine, `${ns}::g`);
    assert.equal(engine.api.hasFunction(`${ns}::f`), false);
    fresh.ws.close();
  });

  it('answers bad input with coded errors and keeps serving a healthy worker', async () => {
    const ns = uniqueName('bad');
    const healthy = connectWorker(engine);
    healthy.registerFunction(`${ns}::ok`, async () => ({ ok: true }));
    const bad = await rawClient(engine.workerUrl);
    try {
      await waitForFunction(engine, `${ns}::ok`);
      bad.send('{not json');
      await bad.next((f) => f.type === 'error' && (f.error as { code: string }).code === 'E_PROTOCOL_BAD_JSON');
      bad.send({ type: 'teleport' });
      await bad.next((f) => f.type === 'error' && (f.error as { code: string }).code === 'E_PROTOCOL_UNKNOWN_TYPE');
      bad.send({ type: 'registerfunction' });
      await bad.next((f) => f.type === 'error' && (f.error as { code: string }).code === 'E_PROTOCOL_BAD_MESSAGE');
      // a call with a missing function id is answered on its own invocation id
      bad.send({ type: 'invokefunction', invocation_id: 'call-1', data: {} });
      const r1 = await bad.next((f) => f.type === 'invocationresult' && f.invocation_id === 'call-1');
      assert.equal((r1.error as { code: string }).code, 'E_PROTOCOL_BAD_MESSAGE');
      // an oversized call is refused with a coded error instead of a client-side timeout
      bad.send({ type: 'invokefunction', invocation_id: 'call-2', function_id: `${ns}::ok`, data: { blob: 'x'.repeat(100 * 1024) } });
      const r2 = await bad.next((f) => f.type === 'invocationresult' && f.invocation_id === 'call-2');
      assert.equal((r2.error as { code: string }).code, 'E_PROTOCOL_FRAME_TOO_LARGE');
      // a registration flood is cut off at the configured limit
      for (let i = 0; i < 80; i++) bad.send({ type: 'registerfunction', id: `${ns}::flood-${i}` });
      await bad.next((f) => f.type === 'error' && (f.error as { code: string }).code === 'E_PROTOCOL_RATE_LIMITED');
      await waitFor(() => engine.api.hasFunction(`${ns}::flood-49`), { what: 'the first 50 registrations' });
      assert.equal(engine.api.hasFunction(`${ns}::flood-50`), false);
      // the socket is still usable and so is everyone else
      bad.send({ type: 'invokefunction', invocation_id: 'call-3', function_id: `${ns}::ok`, data: {} });
      const r3 = await bad.next((f) => f.type === 'invocationresult' && f.invocation_id === 'call-3');
      assert.deepEqual(r3.result, { ok: true });
      assert.deepEqual(await healthy.trigger({ function_id: `${ns}::ok`, payload: {} }), { ok: true });
    } finally {
      bad.ws.close();
      await healthy.shutdown();
    }
  });

  it('refuses channel sockets with a wrong key and lets one reader and one writer in', async () => {
    const client = await rawClient(engine.workerUrl);
    try {
      client.send({ type: 'invokefunction', invocation_id: 'mk', function_id: 'engine::channels::create', data: { buffer_size: 4 } });
      const made = await client.next((f) => f.invocation_id === 'mk');
      const { writer } = made.result as { writer: { channel_id: string; access_key: string } };
      const base = engine.workerUrl.replace(/\/$/, '');
      const wrong = new WebSocket(`${base}/ws/channels/${writer.channel_id}?key=nope&dir=read`);
      const status = await new Promise<number>((r) => wrong.on('unexpected-response', (_req, res) => r(res.statusCode ?? 0)));
      assert.equal(status, 404);
      const w = new WebSocket(`${base}/ws/channels/${writer.channel_id}?key=${writer.access_key}&dir=write`);
      await new Promise((r) => w.once('open', r));
      const r = new WebSocket(`${base}/ws/channels/${writer.channel_id}?key=${writer.access_key}&dir=read`);
      const got: string[] = [];
      r.on('message', (d, isBinary) => got.push(`${isBinary ? 'bin' : 'txt'}:${d.toString()}`));
      const rClosed = new Promise<number>((res) => r.once('close', (code) => res(code)));
      await new Promise((res) => r.once('open', res));
      const second = new WebSocket(`${base}/ws/channels/${writer.channel_id}?key=${writer.access_key}&dir=read`);
      const secondClose = await new Promise<number>((res) => second.once('close', (code) => res(code)));
      assert.equal(secondClose, 1008);
      w.send('hello-text');
      w.send(Buffer.from('hello-bin'), { binary: true });
      w.close(1000, 'stream_complete');
      assert.equal(await rClosed, 1000);
      assert.deepEqual(got, ['txt:hello-text', 'bin:hello-bin']);
    } finally {
      client.ws.close();
    }
  });

  it('closes a late socket of a finished channel cleanly (channel_closed), and still refuses a wrong key with 404', async () => {
    const client = await rawClient(engine.workerUrl);
    try {
      client.send({ type: 'invokefunction', invocation_id: 'late', function_id: 'engine::channels::create', data: {} });
      const made = await client.next((f) => f.invocation_id === 'late');
      const { writer } = made.result as { writer: { channel_id: string; access_key: string } };
      const base = engine.workerUrl.replace(/\/$/, '');
      const url = (key: string, dir: string): string => `${base}/ws/channels/${writer.channel_id}?key=${key}&dir=${dir}`;
      const r = new WebSocket(url(writer.access_key, 'read'));
      const rClosed = new Promise<number>((res) => r.once('close', (code) => res(code)));
      await new Promise((res) => r.once('open', res));
      const w = new WebSocket(url(writer.access_key, 'write'));
      await new Promise((res) => w.once('open', res));
      w.close(1000, 'stream_complete');
      assert.equal(await rClosed, 1000, 'both sides done: the channel is finished');
      const late = new WebSocket(url(writer.access_key, 'write'));
      const lateClose = await new Promise<[number, string]>((res) => late.once('close', (code, why) => res([code, why.toString()])));
      assert.deepEqual(lateClose, [1000, 'channel_closed']);
      const nearMiss = `${writer.access_key.slice(0, 35)}${writer.access_key.endsWith('0') ? '1' : '0'}`;
      const wrong = new WebSocket(url(nearMiss, 'write'));
      wrong.on('error', () => undefined);
      const status = await new Promise<number>((res) => {
        wrong.on('unexpected-response', (_req, resp) => res(resp.statusCode ?? 0));
        wrong.once('open', () => {
          res(101);
          wrong.terminate();
        });
      });
      assert.equal(status, 404, 'a finished channel with a near-miss key is still not found');
    } finally {
      client.ws.close();
    }
  });

  it('refuses calls towards a worker that stopped reading once max_outbound_bytes is queued', async () => {
    const small = await startTestEngine({ workers: [{ name: 'iii-worker-manager', config: { max_outbound_bytes: 64 * 1024 } }] });
    const ns = uniqueName('stuck');
    const stuck = await rawClient(small.workerUrl);
    const caller = connectWorker(small);
    try {
      stuck.send({ type: 'registerfunction', id: `${ns}::f` });
      await waitForFunction(small, `${ns}::f`);
      (stuck.ws as unknown as { _socket: { pause(): void } })._socket.pause();
      const blob = 'x'.repeat(256 * 1024);
      const failure = await waitFor(
        async () => {
          const r = await caller
            .trigger({ function_id: `${ns}::f`, payload: { blob }, timeoutMs: 100 })
            .catch((e: { code?: string }) => e.code);
          return r === 'channel_send_failed' ? r : undefined;
        },
        { timeoutMs: 20_000, what: 'channel_send_failed once the outbound buffer is full' },
      );
      assert.equal(failure, 'channel_send_failed');
    } finally {
      stuck.ws.terminate();
      await caller.shutdown();
      await small.stop();
    }
  });
});
