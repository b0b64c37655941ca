import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { ChannelItem } from '../modules/module.ts';
import { ChannelHub } from './channels.ts';

describe('channels (engine-held ends)', () => {
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
