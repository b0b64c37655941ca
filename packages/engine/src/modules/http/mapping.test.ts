/** Pure pieces of the http worker: response mapping, control frames, urlencoded, CORS (multipart: multipart.test.ts). */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { parseBody } from './body.ts';
import { createCorsPolicy } from './cors.ts';
import { headersOf } from './request.ts';
import { errorReply, parseControlFrame, replyFromResult } from './response.ts';

const text = (b: Buffer): string => b.toString('utf8');

describe('http response mapping', () => {
  it('defaults: 200, JSON content type, {} body', () => {
    const r = replyFromResult({});
    assert.equal(r.status, 200);
    assert.deepEqual(r.headers, [['content-type', 'application/json']]);
    assert.equal(text(r.body), '{}');
    assert.equal(text(replyFromResult('not an object').body), '{}');
  });

  it('a redirect or 204 without a body has no body and no content type; one with a body keeps it', () => {
    const redirect = replyFromResult({ status_code: 302, headers: { Location: '/x' } });
    assert.deepEqual(redirect.headers, [['location', '/x']]);
    assert.equal(redirect.body.length, 0);
    assert.equal(replyFromResult({ status_code: 204 }).body.length, 0);
    assert.deepEqual(replyFromResult({ status_code: 204 }).headers, []);
    const withBody = replyFromResult({ status_code: 301, headers: { Location: '/y' }, body: { moved: true } });
    assert.equal(text(withBody.body), '{"moved":true}');
    assert.deepEqual(withBody.headers.at(-1), ['content-type', 'application/json']);
    assert.equal(text(replyFromResult({ status_code: 200 }).body), '{}', 'a 200 without body keeps the reference `{}`');
  });

  it('follows the content-type rules for string, null and object bodies', () => {
    assert.equal(text(replyFromResult({ headers: { 'Content-Type': 'text/html' }, body: '<b>x</b>' }).body), '<b>x</b>');
    assert.equal(replyFromResult({ headers: { 'content-type': 'text/html' }, body: null }).body.length, 0);
    assert.equal(text(replyFromResult({ headers: { 'content-type': 'text/plain' }, body: { a: 1 } }).body), '{"a":1}');
    assert.equal(text(replyFromResult({ body: 'x' }).body), '"x"');
    assert.equal(text(replyFromResult({ body: null }).body), 'null');
  });

  it('accepts header arrays, skips invalid names/values and non-string values', () => {
    const r = replyFromResult({ headers: ['X-A: 1', 'bad line', 'Set-Cookie: a=1', 'Set-Cookie: b=2'] });
    assert.deepEqual(r.headers.slice(0, 3), [
      ['x-a', '1'],
      ['set-cookie', 'a=1'],
      ['set-cookie', 'b=2'],
    ]);
    const o = replyFromResult({ headers: { 'bad name': 'x', ok: 'y', num: 1, nl: 'a\nb' } });
    assert.deepEqual(o.headers, [
      ['ok', 'y'],
      ['content-type', 'application/json'],
    ]);
  });

  it('falls back to 200 for invalid statuses', () => {
    assert.equal(replyFromResult({ status_code: 600 }).status, 200);
    assert.equal(replyFromResult({ status_code: '404' }).status, 200);
    assert.equal(replyFromResult({ status_code: 404 }).status, 404);
  });

  it('engine errors carry error_id only on 5xx', () => {
    const e404 = JSON.parse(text(errorReply(404, 'NOT_FOUND', 'Not Found').body));
    assert.deepEqual(e404, { error: { code: 'NOT_FOUND', message: 'Not Found' } });
    const e500 = errorReply(500, 'x', 'y');
    assert.match(e500.errorId ?? '', /^[0-9a-f]+$/);
    assert.equal(JSON.parse(text(e500.body)).error.error_id, e500.errorId);
  });

  it('parses set_status / set_headers control frames', () => {
    assert.deepEqual(parseControlFrame('{"type":"set_status","status_code":201}'), { type: 'set_status', status_code: 201 });
    assert.equal(parseControlFrame('{"type":"set_status","status_code":700}'), undefined);
    assert.deepEqual(parseControlFrame('{"type":"set_headers","headers":{"A":"1","b":2}}'), { type: 'set_headers', headers: [['a', '1']] });
    assert.equal(parseControlFrame('not json'), undefined);
  });
});

describe('http request bodies', () => {
  it('keeps the last value of repeated urlencoded keys; text raw bodies are utf8, others base64', async () => {
    assert.deepEqual((await parseBody(Buffer.from('a=1&a=2&b=%20x'), 'application/x-www-form-urlencoded')).body, { a: '2', b: ' x' });
    assert.deepEqual(await parseBody(Buffer.from('héllo'), undefined), { body: null, raw_body: 'héllo', raw_body_encoding: 'utf8' });
    assert.deepEqual(await parseBody(Buffer.from([0xff, 0x00]), undefined), { body: null, raw_body: '/wA=', raw_body_encoding: 'base64' });
    assert.deepEqual(await parseBody(Buffer.alloc(0), 'application/json'), { body: null });
  });
});

describe('http request headers', () => {
  it('decodes UTF-8 header values and blanks bytes that are not UTF-8', () => {
    const latin1 = (s: string): string => Buffer.from(s, 'utf8').toString('latin1');
    assert.deepEqual(headersOf({ 'x-name': latin1('Zoë'), 'x-raw': '\xff\xfe', 'x-plain': 'ok', 'set-cookie': ['a=1', 'b=2'] }), {
      'x-name': 'Zoë',
      'x-raw': '',
      'x-plain': 'ok',
      'set-cookie': 'a=1, b=2',
    });
  });
});

describe('http CORS policy', () => {
  it('is permissive without config and strict with a list', () => {
    const open = createCorsPolicy(undefined);
    assert.deepEqual(open.actual({ origin: 'http://a' }), [
      ['access-control-allow-origin', '*'],
      ['access-control-expose-headers', '*'],
    ]);
    assert.deepEqual(open.actual({}), [], 'same-origin requests get no CORS headers');
    const strict = createCorsPolicy({ allowed_origins: ['http://a'], allowed_methods: ['get'] });
    assert.equal(strict.isPreflight('OPTIONS', { origin: 'http://a', 'access-control-request-method': 'GET' }), true);
    assert.equal(strict.isPreflight('OPTIONS', { origin: 'http://a' }), false);
    assert.deepEqual(strict.preflight({ origin: 'http://b', 'access-control-request-method': 'GET' }), []);
    assert.deepEqual(
      new Map(strict.preflight({ origin: 'http://a', 'access-control-request-method': 'GET' })).get('access-control-allow-methods'),
      'GET',
    );
  });
});
