import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { ChannelItem } from '../modules/module.ts';
import { ChannelHub } from './channels.ts';

describe('channels (engine-held ends)', () => {
  it('onActivity fires once at the first item or the end, at once when already active, never after destroy', async () => {
    const hub = new ChannelHub();
    try {
      const fired: string[] = [];
      const a = hub.create();
      a.onActivity(() => fired.push('a'));
      assert.equal(fired.length, 0);
      await a.write({ kind: 'text', data: 'x' });
      await a.write({ kind: 'text', data: 'y' });
      const b = hub.create();
      b.onActivity(() => fired.push('b'));
      b.end();
      const c = hub.create();
      c.onActivity(() => fired.push('c'));
      c.destroy();
      const d = hub.create();
      d.end();
      d.onActivity(() => fired.push('d'));
      assert.deepEqual(fired, ['a', 'b', 'd']);
      const got: string[] = [];
      for await (const item of a.read()) {
        got.push(String(item.data));
        if (got.length === 2) a.end();
      }
      assert.deepEqual(got, ['x', 'y'], 'items written before anyone read are all delivered');
    } finally {
      hub.close();
    }
  });

  it('delivers items in order with back-pressure, then ends and frees the channel', async () => {
    const hub = new ChannelHub();
    try {
      const ch = hub.create(2);
      assert.equal(hub.lookup(ch.id, ch.key), ch);
      assert.equal(hub.lookup(ch.id, 'wrong'), undefined);
      const writes = (async () => {
        for (let i = 0; i < 10; i++) await ch.write({ kind: 'text', data: String(i) });
        ch.end();
      })();
      const got: ChannelItem[] = [];
      for await (const item of ch.read()) got.push(item);
      await writes;
      assert.deepEqual(
        got.map((g) => g.data),
        ['0', '1', '2', '3', '4', '5', '6', '7', '8', '9'],
      );
      assert.equal(hub.size, 0, 'a finished channel is removed (the reference leaks it)');
    } finally {
      hub.close();
    }
  });

  it('remembers a finished channel briefly so a late endpoint can be closed cleanly', () => {
    const hub = new ChannelHub();
    try {
      const ch = hub.create();
      ch.destroy();
      assert.equal(hub.lookup(ch.id, ch.key), undefined);
      assert.equal(hub.recentlyClosed(ch.id, ch.key), true);
      assert.equal(hub.recentlyClosed(ch.id, 'wrong-key'), false);
      hub.sweep(Date.now() + 61_000);
      assert.equal(hub.recentlyClosed(ch.id, ch.key), false);
    } finally {
      hub.close();
    }
  });

  it('gives UUID v4 shaped ids and keys, unique ids, keys that differ per channel', () => {
    const hub = new ChannelHub();
    const other = new ChannelHub();
    try {
      const v4 = /^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/;
      const made = Array.from({ length: 600 }, () => hub.create());
      for (const ch of made) {
        assert.match(ch.id, v4);
        assert.match(ch.key, v4);
        assert.deepEqual(ch.readerRef, { channel_id: ch.id, access_key: ch.key, direction: 'read' });
        assert.deepEqual(ch.writerRef, { channel_id: ch.id, access_key: ch.key, direction: 'write' });
      }
      assert.equal(new Set(made.map((c) => c.id)).size, made.length);
      assert.equal(new Set(made.map((c) => c.key)).size, made.length, 'keys come from the random pool, refilled as it runs out');
      const foreign = other.create();
      assert.notEqual(foreign.id.slice(0, 24), made[0]?.id.slice(0, 24), 'each engine has its own id prefix');
      foreign.destroy();
      assert.equal(hub.recentlyClosed(foreign.id, foreign.key), false, "another hub's finished channel is unknown here");
      const live = made[1] as (typeof made)[number];
      assert.equal(hub.recentlyClosed(live.id, live.key), false, 'a live channel is not a tombstone');
      live.destroy();
      assert.equal(hub.recentlyClosed(live.id, live.key), true);
    } finally {
      hub.close();
      other.close();
    }
  });

  it('wakes an engine-side reader when the channel is destroyed', async () => {
    const hub = new ChannelHub();
    try {
      const ch = hub.create();
      const reading = (async () => {
        const got: unknown[] = [];
        for await (const item of ch.read()) got.push(item);
        return got;
      })();
      ch.destroy();
      assert.deepEqual(await reading, []);
    } finally {
      hub.close();
    }
  });

  it('sweeps channels whose other side never connected', () => {
    const hub = new ChannelHub();
    try {
      hub.create();
      hub.sweep(Date.now() + 6 * 60_000);
      assert.equal(hub.size, 0);
    } finally {
      hub.close();
    }
  });
});
