/** The package surface (as the official package exports it) and its pure helpers: exports, ids, channel URLs, backoff, refs. */
import assert from 'node:assert/strict';
import { readdirSync, readFileSync } from 'node:fs';
import { describe, it } from 'node:test';
import { channelUrl } from '../src/channels.ts';
import { backoffDelay, DEFAULT_RECONNECTION } from '../src/connection.ts';
import * as helpers from '../src/helpers.ts';
import { uuidv4 } from '../src/ids.ts';
import * as root from '../src/index.ts';
import * as state from '../src/state.ts';
import * as stream from '../src/stream.ts';

const UUID_V4 = /^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/;

describe('iii-browser-sdk surface', () => {
  it('exports the official runtime values and nothing of OpenTelemetry', () => {
    for (const k of ['registerWorker', 'TriggerAction', 'ChannelReader', 'ChannelWriter', 'EngineFunctions', 'EngineTriggers'])
      assert.ok(k in root, k);
    for (const k of [
      'initOtel',
      'shutdownOtel',
      'getTracer',
      'getMeter',
      'isInitialized',
      'SpanKind',
      'SpanStatus',
      'SpanStatusCode',
      'MessageType',
    ])
      assert.ok(!(k in root), k);
    assert.deepEqual(root.TriggerAction.Void(), { type: 'void' });
    assert.deepEqual(root.TriggerAction.Enqueue({ queue: 'q' }), { type: 'enqueue', queue: 'q' });
    assert.equal(root.EngineFunctions.REGISTER_WORKER, 'engine::workers::register');
    assert.equal(root.EngineTriggers.FUNCTIONS_AVAILABLE, 'engine::functions-available');
  });

  it('has the helpers with the official arities, a runtime key in ./state, and a ./stream that loads', () => {
    assert.equal(helpers.createChannel.length, 2);
    assert.equal(helpers.createStream.length, 3);
    assert.deepEqual(helpers.ChannelDirection, { Read: 'read', Write: 'write' });
    assert.deepEqual(helpers.ChannelItem.Text('a'), { type: 'text', value: 'a' });
    assert.equal(state.StateEventType.Updated, 'state:updated');
    assert.deepEqual(Object.keys(stream), []);
  });

  it('uses no Node built-ins (it runs in a browser)', () => {
    const dir = new URL('../src/', import.meta.url);
    for (const f of readdirSync(dir)) {
      const src = readFileSync(new URL(f, dir), 'utf8');
      assert.doesNotMatch(src, /from ['"](node:|fs|path|crypto|events|stream|buffer)['"]/, f);
      assert.doesNotMatch(src, /\b(process|Buffer|require)\b[.(]/, f);
    }
  });

  it('makes UUID v4 ids, also without crypto.randomUUID (insecure origins)', () => {
    assert.match(uuidv4(), UUID_V4);
    const real = globalThis.crypto;
    const saved = Object.getOwnPropertyDescriptor(globalThis, 'crypto')!;
    Object.defineProperty(globalThis, 'crypto', {
      value: { getRandomValues: (b: Uint8Array) => real.getRandomValues(b) },
      configurable: true,
    });
    try {
      const ids = new Set(Array.from({ length: 100 }, uuidv4));
      assert.equal(ids.size, 100);
      for (const id of ids) assert.match(id, UUID_V4);
    } finally {
      Object.defineProperty(globalThis, 'crypto', saved);
    }
  });

  it('builds channel URLs before the query, keeping a ?token=', () => {
    const ref = { channel_id: 'my-channel', access_key: 'secret key&value', direction: 'write' as const };
    assert.equal(channelUrl('ws://engine:49135', ref), 'ws://engine:49135/ws/channels/my-channel?key=secret%20key%26value&dir=write');
    assert.equal(channelUrl('ws://engine:49135/', ref), 'ws://engine:49135/ws/channels/my-channel?key=secret%20key%26value&dir=write');
    assert.equal(
      channelUrl('ws://localhost:3110?token=dev%20token', { ...ref, direction: 'read' }),
      'ws://localhost:3110/ws/channels/my-channel?token=dev+token&key=secret%20key%26value&dir=read',
    );
  });

  it('backs off 1, 2, 4 … 30 s with ±30 % jitter', () => {
    assert.deepEqual(
      [0, 1, 2, 3, 4, 5, 6].map((n) => backoffDelay(DEFAULT_RECONNECTION, n, 0)),
      [1000, 2000, 4000, 8000, 16000, 30000, 30000],
    );
    assert.equal(backoffDelay(DEFAULT_RECONNECTION, 0, -1), 700);
    assert.equal(backoffDelay(DEFAULT_RECONNECTION, 9, 0.9), 38100);
  });

  it('finds channel refs with their paths, without descending into them', () => {
    const r = { channel_id: 'c', access_key: 'k', direction: 'read', extra: { channel_id: 'x', access_key: 'y', direction: 'write' } };
    assert.equal(helpers.isChannelRef(r), true);
    assert.equal(helpers.isChannelRef({ channel_id: 'c', access_key: 'k', direction: 'both' }), false);
    assert.deepEqual(
      helpers.extractChannelRefs({ a: { b: [r] }, c: 1 }).map(([p]) => p),
      ['a.b[0]'],
    );
    assert.deepEqual(
      helpers.extractChannelRefs(r).map(([p]) => p),
      [''],
    );
  });
});
