import assert from 'node:assert/strict';
import type { AddressInfo } from 'node:net';
import { test } from 'node:test';
import { WebSocket, WebSocketServer } from 'ws';
import { sendCoalesced } from './coalesce.ts';

/** A ws server whose first connection is handed to `onServerSide`, and a real ws client recording what it receives. */
async function pair(
  opts: { perMessageDeflate: boolean },
  onServerSide: (ws: WebSocket) => void,
): Promise<{ received: string[]; closed: Promise<number>; stop(): void }> {
  const wss = new WebSocketServer({ port: 0, host: '127.0.0.1', perMessageDeflate: opts.perMessageDeflate });
  await new Promise<void>((resolve) => wss.once('listening', () => resolve()));
  wss.on('connection', onServerSide);
  const client = new WebSocket(`ws://127.0.0.1:${(wss.address() as AddressInfo).port}`, { perMessageDeflate: opts.perMessageDeflate });
  const received: string[] = [];
  client.on('message', (d: Buffer, isBinary: boolean) => received.push(isBinary ? '(binary)' : d.toString('utf8')));
  const closed = new Promise<number>((resolve) => client.once('close', (code) => resolve(code)));
  return {
    received,
    closed,
    stop: () => {
      client.terminate();
      wss.close();
    },
  };
}

const TEXTS = ['{"type":"ping"}', 'x'.repeat(125), 'y'.repeat(126), 'é€😀'.repeat(40), 'z'.repeat(65_535), 'w'.repeat(70_000), ''];

for (const perMessageDeflate of [false, true]) {
  test(`frames sent in one turn arrive whole and in order, then the close that followed them (permessage-deflate ${perMessageDeflate ? 'on: through ws.send' : 'off: written raw'})`, async () => {
    const p = await pair({ perMessageDeflate }, (ws) => {
      for (const t of TEXTS) sendCoalesced(ws, t);
      // ws writes the close frame itself: it must not overtake the frames queued before it.
      ws.close(4001, 'done');
    });
    try {
      assert.equal(await p.closed, 4001);
      assert.deepEqual(p.received, TEXTS);
    } finally {
      p.stop();
    }
  });
}

test('frames sent over several turns keep their order', async () => {
  const texts = Array.from({ length: 50 }, (_, i) => JSON.stringify({ i, pad: 'p'.repeat(i * 97) }));
  const p = await pair({ perMessageDeflate: false }, (ws) => {
    let i = 0;
    const next = (): void => {
      for (let k = 0; k < 5 && i < texts.length; k++) sendCoalesced(ws, texts[i++] as string);
      if (i < texts.length) setImmediate(next);
      else setImmediate(() => ws.close(1000));
    };
    next();
  });
  try {
    assert.equal(await p.closed, 1000);
    assert.deepEqual(p.received, texts);
  } finally {
    p.stop();
  }
});
