/** Streamed responses (workers.md §1.4): the `http()` helper, server-sent events, and the race with the return value. */
import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { after, before, describe, it } from 'node:test';
import { http } from '@iii-dev/helpers/http';
import { deferred } from '../../helpers/wait.ts';
import { type Handler, type HttpHarness, startHttp, uniquePath } from './harness.ts';

describe('http e2e: streamed responses', () => {
  let h: HttpHarness;
  before(async () => {
    h = await startHttp();
  });
  after(async () => {
    await h?.close();
  });

  it('streams a download written with the @iii-dev/helpers http() helper', async () => {
    const p = uniquePath();
    const file = randomBytes(300 * 1024);
    const handler = http(async (_req, res) => {
      res.status(201);
      res.headers({ 'content-type': 'application/octet-stream', 'content-disposition': 'attachment; filename="blob.bin"' });
      for (let off = 0; off < file.length; off += 100 * 1024) res.stream.write(file.subarray(off, off + 100 * 1024));
      res.stream.end();
    });
    await h.route({ api_path: `${p}/download` }, handler as unknown as Handler);
    const res = await fetch(`${h.base}${p}/download`);
    assert.equal(res.status, 201);
    assert.equal(res.headers.get('content-type'), 'application/octet-stream');
    assert.equal(res.headers.get('content-disposition'), 'attachment; filename="blob.bin"');
    assert.equal(res.headers.get('transfer-encoding'), 'chunked');
    assert.ok(Buffer.from(await res.arrayBuffer()).equals(file));
  });

  it('delivers server-sent events as they are written, before the stream ends', async () => {
    const p = uniquePath();
    const firstSeen = deferred<void>(10_000, 'first event at the client');
    await h.route({ api_path: `${p}/events` }, async (req) => {
      const w = req.response;
      w.sendMessage(JSON.stringify({ type: 'set_headers', headers: { 'content-type': 'text/event-stream', 'cache-control': 'no-cache' } }));
      w.stream.write(Buffer.from('data: one\n\n'));
      // The second event is written only after the client has received the first: proof it is not buffered.
      await firstSeen.promise;
      w.stream.write(Buffer.from('data: two\n\n'));
      w.stream.end();
      return undefined;
    });
    const res = await fetch(`${h.base}${p}/events`);
    assert.equal(res.status, 200);
    assert.equal(res.headers.get('content-type'), 'text/event-stream');
    assert.ok(res.body);
    const reader = res.body.getReader();
    const decoder = new TextDecoder();
    let text = '';
    while (!text.includes('data: one\n\n')) {
      const { value, done } = await reader.read();
      assert.equal(done, false, 'stream ended before the first event');
      text += decoder.decode(value, { stream: true });
    }
    assert.equal(text.includes('two'), false);
    firstSeen.resolve();
    for (;;) {
      const { value, done } = await reader.read();
      if (done) break;
      text += decoder.decode(value, { stream: true });
    }
    assert.equal(text, 'data: one\n\ndata: two\n\n');
  });

  it('a non-null return value wins over the response channel', async () => {
    const p = uniquePath();
    await h.route({ api_path: `${p}/both` }, async (req) => {
      // The reply is sent (and the channel dropped) before this lazily connecting writer reaches the
      // engine, so its socket is refused; the SDK reports that as a stream error, which would be
      // uncaught without this listener.
      req.response.stream.on('error', () => {});
      req.response.sendMessage(JSON.stringify({ type: 'set_status', status_code: 418 }));
      return { status_code: 200, body: { buffered: true } };
    });
    const res = await fetch(`${h.base}${p}/both`);
    assert.equal(res.status, 200);
    assert.deepEqual(await res.json(), { buffered: true });
  });

  it('a closed channel without body chunks answers with the status and headers sent so far', async () => {
    const p = uniquePath();
    await h.route({ api_path: `${p}/empty`, http_method: 'DELETE' }, async (req) => {
      req.response.sendMessage(JSON.stringify({ type: 'set_status', status_code: 202 }));
      req.response.sendMessage(JSON.stringify({ type: 'set_headers', headers: { 'x-done': 'yes', 'x-bad': 5 } }));
      req.response.sendMessage(JSON.stringify({ type: 'set_status', status_code: 99 })); // invalid: ignored
      req.response.stream.end();
      return null;
    });
    const res = await fetch(`${h.base}${p}/empty`, { method: 'DELETE' });
    assert.equal(res.status, 202);
    assert.equal(res.headers.get('x-done'), 'yes');
    assert.equal(res.headers.get('x-bad'), null);
    assert.equal(await res.text(), '');
  });
});
