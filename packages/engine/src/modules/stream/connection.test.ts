/**
 * Slow-consumer policy of one subscriber socket, driven through a stand-in for the `ws` socket whose
 * `bufferedAmount` the test controls (the e2e suite covers the real thing with a paused TCP socket).
 */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import type { WebSocket } from 'ws';
import { createLogger } from '../../util/logger.ts';
import { SLOW_CONSUMER_CLOSE_CODE, StreamConnection } from './connection.ts';
import { type Subscription, SubscriptionIndex } from './subscriptions.ts';

class FakeSocket {
  bufferedAmount = 0;
  sent: string[] = [];
  closed: { code: number; reason: string } | undefined;
  send(data: Buffer): void {
    this.sent.push(data.toString());
  }
  close(code: number, reason: string): void {
    this.closed = { code, reason };
  }
}

function setup(policy: 'close' | 'drop_frames') {
  const ws = new FakeSocket();
  const index = new SubscriptionIndex();
  const left: string[] = [];
  const log = createLogger('test', { level: 'silent' });
  const conn = new StreamConnection(
    ws as unknown as WebSocket,
    null,
    index,
    () => ({ maxBuffered: 100, policy }),
    log,
    (sub) => left.push(sub.id),
  );
  const sub: Subscription = { id: 's1', socket: conn, streamName: 'st', groupId: 'g', itemId: null, pending: null };
  conn.addSubscription(sub);
  return { ws, index, conn, left };
}

const frame = (s: string): Buffer => Buffer.from(s);

test('close policy: past the limit the socket loses its subscriptions and is closed with 1013', () => {
  const { ws, index, conn, left } = setup('close');
  index.publish('st', 'g', 'i', frame('a'));
  ws.bufferedAmount = 101;
  index.publish('st', 'g', 'i', frame('b'));
  index.publish('st', 'g', 'i', frame('c'));
  assert.deepEqual(ws.sent, ['a']);
  assert.equal(ws.closed?.code, SLOW_CONSUMER_CLOSE_CODE);
  assert.match(ws.closed?.reason ?? '', /^E_STREAM_SLOW_CONSUMER/);
  assert.ok(Buffer.byteLength(ws.closed?.reason ?? '') <= 123, 'close reasons are limited to 123 bytes');
  assert.equal(index.size(), 0);
  assert.deepEqual(left, ['s1']);
  assert.equal(conn.closed, true);
});

test('drop_frames policy: frames are skipped while over the limit, delivery resumes below it', () => {
  const { ws, index, left } = setup('drop_frames');
  ws.bufferedAmount = 500;
  index.publish('st', 'g', 'i', frame('skipped'));
  ws.bufferedAmount = 0;
  index.publish('st', 'g', 'i', frame('delivered'));
  assert.deepEqual(ws.sent, ['delivered']);
  assert.equal(ws.closed, undefined);
  assert.deepEqual(left, []);
});

test('matching: item subscriptions only get their item; pending frames follow activation in order', () => {
  const { ws, index, conn } = setup('close');
  const item: Subscription = { id: 's2', socket: conn, streamName: 'st', groupId: 'g', itemId: 'x', pending: [] };
  conn.addSubscription(item);
  index.publish('st', 'g', 'x', frame('1'));
  index.publish('st', 'g', 'y', frame('2'));
  index.publish('st', 'other', 'x', frame('3'));
  assert.deepEqual(ws.sent, ['1', '2']);
  index.activate(item);
  assert.deepEqual(ws.sent, ['1', '2', '1']);
});
