/** Request bodies: JSON (400 on malformed, handler not invoked), 413, forms, raw_body, streamed uploads. */
import assert from 'node:assert/strict';
import { createHash, randomBytes } from 'node:crypto';
import { request } from 'node:http';
import { after, before, describe, it } from 'node:test';
import { type HttpHarness, type HttpReq, startHttp, uniquePath } from './harness.ts';

const MAX = 64 * 1024;
/** `MAX_FORM_PARTS` of the http module (E_HTTP_FORM_LIMIT beyond it). */
const FORM_PARTS = 1000;

/** POST a body in several chunks with chunked transfer encoding (no content-length). */
function postChunked(url: string, contentType: string, chunks: Buffer[]): Promise<{ status: number; body: string }> {
  return new Promise((resolve, reject) => {
    const req = request(url, { method: 'POST', headers: { 'content-type': contentType } }, (res) => {
      const parts: Buffer[] = [];
      res.on('data', (c: Buffer) => parts.push(c));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, body: Buffer.concat(parts).toString('utf8') }));
      res.on('error', reject);
    });
    req.on('error', reject);
    const writeNext = (i: number): void => {
      if (i === chunks.length) return void req.end();
      if (req.write(chunks[i])) writeNext(i + 1);
      else req.once('drain', () => writeNext(i + 1));
    };
    writeNext(0);
  });
}

describe('http e2e: request bodies', () => {
  let h: HttpHarness;
  before(async () => {
    h = await startHttp({ max_body_bytes: MAX });
  });
  after(async () => {
    await h?.close();
  });

  it('answers 400 E_HTTP_BAD_JSON for malformed JSON without invoking the handler', async () => {
    const p = uniquePath();
    let calls = 0;
    await h.route({ api_path: `${p}/j`, http_method: 'POST' }, async (req) => {
      calls++;
      return { body: { got: req.body } };
    });
    const bad = await fetch(`${h.base}${p}/j`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: '{"a":' });
    assert.equal(bad.status, 400);
    const err = (await bad.json()) as { error: { code: string; message: string } };
    assert.equal(err.error.code, 'E_HTTP_BAD_JSON');
    const empty = await fetch(`${h.base}${p}/j`, { method: 'POST', headers: { 'content-type': 'application/json' } });
    assert.deepEqual(await empty.json(), { got: null }, 'an empty JSON body is null');
    const ok = await fetch(`${h.base}${p}/j`, {
      method: 'POST',
      headers: { 'content-type': 'application/json; charset=utf-8' },
      body: '[1,2]',
    });
    assert.deepEqual(await ok.json(), { got: [1, 2] });
    // Invocations from one engine reach the worker in order, so a stray call for the 400 would have been counted.
    assert.equal(calls, 2);
  });

  it('answers 413 with a JSON error when a buffered body exceeds max_body_bytes', async () => {
    const p = uniquePath();
    let calls = 0;
    await h.route({ api_path: `${p}/big`, http_method: 'POST' }, async () => {
      calls++;
      return {};
    });
    const declared = await fetch(`${h.base}${p}/big`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ s: 'x'.repeat(MAX) }),
    });
    assert.equal(declared.status, 413);
    assert.equal(((await declared.json()) as { error: { code: string } }).error.code, 'E_HTTP_BODY_TOO_LARGE');
    const chunked = await postChunked(`${h.base}${p}/big`, 'text/plain', [
      Buffer.alloc(MAX / 2, 97),
      Buffer.alloc(MAX / 2, 97),
      Buffer.alloc(10, 97),
    ]);
    assert.equal(chunked.status, 413);
    assert.equal(calls, 0);
  });

  it('parses urlencoded and multipart forms, with raw_body beside them', async () => {
    const p = uniquePath();
    await h.route({ api_path: `${p}/form`, http_method: 'POST' }, async (req) => ({
      body: { body: req.body, raw: req.raw_body, enc: req.raw_body_encoding },
    }));
    const form = await fetch(`${h.base}${p}/form`, {
      method: 'POST',
      body: new URLSearchParams({ url: 'https://a.example/?x=1', code: 'abc' }),
    });
    const fb = (await form.json()) as { body: unknown; raw: string; enc: string };
    assert.deepEqual(fb.body, { url: 'https://a.example/?x=1', code: 'abc' });
    assert.equal(fb.raw, 'url=https%3A%2F%2Fa.example%2F%3Fx%3D1&code=abc');
    assert.equal(fb.enc, 'utf8');

    const fd = new FormData();
    fd.set('title', 'Hello');
    const file = randomBytes(300);
    fd.set('upload', new Blob([file], { type: 'image/png' }), 'pic.png');
    const multi = await fetch(`${h.base}${p}/form`, { method: 'POST', body: fd });
    const mb = (await multi.json()) as {
      body: { title: string; upload: { filename: string; content_type: string; size: number; data_base64: string } };
    };
    assert.equal(mb.body.title, 'Hello');
    assert.equal(mb.body.upload.filename, 'pic.png');
    assert.equal(mb.body.upload.content_type, 'image/png');
    assert.equal(mb.body.upload.size, 300);
    assert.ok(Buffer.from(mb.body.upload.data_base64, 'base64').equals(file));

    const broken = await fetch(`${h.base}${p}/form`, {
      method: 'POST',
      headers: { 'content-type': 'multipart/form-data; boundary=zzz' },
      body: '--zzz\r\nno end',
    });
    assert.equal(broken.status, 400);
    assert.equal(((await broken.json()) as { error: { code: string } }).error.code, 'E_HTTP_BAD_FORM');

    // Small parts, so the body stays under max_body_bytes and the part limit is what refuses it.
    const part = '--b\r\nContent-Disposition: form-data; name="a"\r\n\r\nx\r\n';
    const tooMany = await fetch(`${h.base}${p}/form`, {
      method: 'POST',
      headers: { 'content-type': 'multipart/form-data; boundary=b' },
      body: `${part.repeat(FORM_PARTS + 1)}--b--\r\n`,
    });
    assert.equal(tooMany.status, 413);
    assert.equal(((await tooMany.json()) as { error: { code: string } }).error.code, 'E_HTTP_FORM_LIMIT');
  });

  it('gives small binary bodies as base64 raw_body and the same bytes on request_body', async () => {
    const p = uniquePath();
    await h.route({ api_path: `${p}/bin`, http_method: 'PUT' }, async (req) => {
      const streamed = await req.request_body.readAll();
      return { body: { body: req.body, raw: req.raw_body, enc: req.raw_body_encoding, streamed: streamed.toString('base64') } };
    });
    const bytes = randomBytes(1000);
    const res = await fetch(`${h.base}${p}/bin`, { method: 'PUT', headers: { 'content-type': 'application/octet-stream' }, body: bytes });
    const b = (await res.json()) as { body: unknown; raw: string; enc: string; streamed: string };
    assert.equal(b.body, null);
    assert.equal(b.enc, 'base64');
    assert.equal(b.raw, bytes.toString('base64'));
    assert.equal(b.streamed, bytes.toString('base64'));
  });

  it('streams a large upload into request_body without buffering it (beyond max_body_bytes)', async () => {
    const p = uniquePath();
    let seen: Pick<HttpReq, 'body' | 'raw_body'> | undefined;
    await h.route({ api_path: `${p}/upload`, http_method: 'POST' }, async (req) => {
      seen = { body: req.body, raw_body: req.raw_body };
      const hash = createHash('sha256');
      let size = 0;
      for await (const chunk of req.request_body.stream) {
        hash.update(chunk as Buffer);
        size += (chunk as Buffer).length;
      }
      return { status_code: 201, body: { size, sha256: hash.digest('hex') } };
    });
    const chunks = Array.from({ length: 40 }, () => randomBytes(16 * 1024)); // 640 KiB, 10× the cap
    const expected = createHash('sha256');
    for (const c of chunks) expected.update(c);
    const res = await postChunked(`${h.base}${p}/upload`, 'application/octet-stream', chunks);
    assert.equal(res.status, 201, res.body);
    assert.deepEqual(JSON.parse(res.body), { size: 40 * 16 * 1024, sha256: expected.digest('hex') });
    assert.deepEqual(seen, { body: null, raw_body: undefined });
  });
});
