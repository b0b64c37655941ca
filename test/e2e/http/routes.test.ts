/** Routing, the request object (workers.md §1.3) and buffered response mapping (workers.md §1.4), through the real iii-sdk. */
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { type HttpHarness, type HttpReq, startHttp, uniquePath } from './harness.ts';

describe('http e2e: routes and request/response mapping', () => {
  let h: HttpHarness;
  before(async () => {
    h = await startHttp();
  });
  after(async () => {
    await h?.close();
  });

  it('delivers params, single-valued query, lower-cased headers, the registered path and metadata', async () => {
    const p = uniquePath();
    let seen: { req: Omit<HttpReq, 'request_body' | 'response'>; metadata: unknown; refs: boolean } | undefined;
    await h.route(
      { api_path: `${p.slice(1)}/items/:id`, http_method: 'post' },
      async (req, metadata) => {
        const { request_body, response, ...rest } = req;
        seen = { req: rest, metadata, refs: typeof request_body.readAll === 'function' && typeof response.sendMessage === 'function' };
        return { status_code: 201, body: { id: req.path_params.id } };
      },
      { metadata: { team: 'links' } },
    );
    const res = await fetch(`${h.base}${p}/items/abc123?q=hello&q=last&x=1`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', 'X-Custom': 'Yes' },
      body: JSON.stringify({ a: 1 }),
    });
    assert.equal(res.status, 201);
    assert.deepEqual(await res.json(), { id: 'abc123' });
    assert.ok(seen);
    assert.deepEqual(seen.req.path_params, { id: 'abc123' });
    assert.deepEqual(seen.req.query_params, { q: 'last', x: '1' });
    assert.equal(seen.req.headers['x-custom'], 'Yes');
    assert.equal(seen.req.headers['content-type'], 'application/json');
    assert.equal(seen.req.path, `${p}/items/:id`);
    assert.equal(seen.req.method, 'POST');
    assert.deepEqual(seen.req.body, { a: 1 });
    assert.equal(seen.req.raw_body, '{"a":1}');
    assert.equal(seen.req.raw_body_encoding, 'utf8');
    assert.deepEqual(seen.req.trigger, { type: 'http', path: `${p}/items/:id`, method: 'POST' });
    assert.deepEqual(seen.metadata, { team: 'links' });
    assert.ok(seen.refs, 'request_body and response arrive as channel objects');
  });

  it('answers a Linkly-style 302 with location and no body or content type (the reference sends JSON {})', async () => {
    const p = uniquePath();
    await h.route({ api_path: `${p}/s/:code` }, async (req) => ({
      status_code: 302,
      headers: { Location: `https://example.com/${req.path_params.code}` },
    }));
    const res = await fetch(`${h.base}${p}/s/xyz`, { redirect: 'manual' });
    assert.equal(res.status, 302);
    assert.equal(res.headers.get('location'), 'https://example.com/xyz');
    assert.equal(res.headers.get('content-type'), null);
    assert.equal(res.headers.get('content-length'), '0');
    assert.equal(await res.text(), '');
  });

  it('maps header arrays, string bodies with a content type, null bodies and bad statuses', async () => {
    const p = uniquePath();
    await h.route({ api_path: `${p}/text` }, async () => ({
      status_code: 200,
      headers: ['Content-Type: text/plain', 'X-A: 1'],
      body: 'hi there',
    }));
    await h.route({ api_path: `${p}/null` }, async () => ({ status_code: 204, headers: { 'content-type': 'text/plain' }, body: null }));
    await h.route({ api_path: `${p}/csv` }, async () => ({ headers: { 'content-type': 'text/csv', 'x-num': 5 }, body: { a: [1] } }));
    await h.route({ api_path: `${p}/bad` }, async () => ({ status_code: 99, body: 'plain' }));
    const text = await fetch(`${h.base}${p}/text`);
    assert.equal(text.headers.get('content-type'), 'text/plain');
    assert.equal(text.headers.get('x-a'), '1');
    assert.equal(await text.text(), 'hi there');
    const none = await fetch(`${h.base}${p}/null`);
    assert.equal(none.status, 204);
    assert.equal(await none.text(), '');
    const csv = await fetch(`${h.base}${p}/csv`);
    assert.equal(csv.status, 200);
    assert.equal(csv.headers.get('x-num'), null, 'non-string header values are skipped');
    assert.equal(await csv.text(), '{"a":[1]}');
    const bad = await fetch(`${h.base}${p}/bad`);
    assert.equal(bad.status, 200);
    assert.equal(bad.headers.get('content-type'), 'application/json');
    assert.equal(await bad.text(), '"plain"');
  });

  it('404 for unknown paths (exact matching) and 405 with Allow for other methods', async () => {
    const p = uniquePath();
    await h.route({ api_path: `${p}/links`, http_method: 'POST' }, async () => ({ status_code: 201 }));
    await h.route({ api_path: `${p}/links`, http_method: 'PUT' }, async () => ({ status_code: 200 }));
    const missing = await fetch(`${h.base}${p}/nope`);
    assert.equal(missing.status, 404);
    assert.deepEqual(await missing.json(), { error: { code: 'NOT_FOUND', message: 'Not Found' } });
    const slash = await fetch(`${h.base}${p}/links/`, { method: 'POST' });
    assert.equal(slash.status, 404, 'no trailing-slash folding');
    const wrong = await fetch(`${h.base}${p}/links`, { method: 'DELETE' });
    assert.equal(wrong.status, 405);
    assert.equal(wrong.headers.get('allow'), 'POST, PUT');
    const body = (await wrong.json()) as { error: { code: string } };
    assert.equal(body.error.code, 'E_HTTP_METHOD_NOT_ALLOWED');
  });

  it('re-registering the same method+path replaces the handler; HEAD is served by GET', async () => {
    const p = uniquePath();
    await h.route({ api_path: `${p}/v` }, async () => ({ body: { v: 1 } }));
    await h.route({ api_path: `${p}/v` }, async () => ({ body: { v: 2 } }));
    assert.deepEqual(await (await fetch(`${h.base}${p}/v`)).json(), { v: 2 });
    const head = await fetch(`${h.base}${p}/v`, { method: 'HEAD' });
    assert.equal(head.status, 200);
    assert.equal(await head.text(), '');
  });

  it('refuses a same-shape route with other param names and keeps the first serving', async () => {
    const p = uniquePath();
    await h.route({ api_path: `${p}/c/:a` }, async (req) => ({ body: { first: req.path_params.a } }));
    const other = await h.route({ api_path: `${p}/other` }, async () => ({ body: {} }));
    await assert.rejects(h.bind(other, { api_path: `${p}/c/:b` }), (err: Error) => {
      assert.match(err.message, /different path-parameter names/);
      return true;
    });
    assert.deepEqual(await (await fetch(`${h.base}${p}/c/1`)).json(), { first: '1' });
    await assert.rejects(h.bind(other, { http_method: 'GET' }), /api_path is required/);
    await assert.rejects(h.bind(other, { api_path: `${p}/m`, http_method: 'BREW' }), /http_method "BREW"/);
  });

  it('unregistering a trigger removes its route', async () => {
    const p = uniquePath();
    const fnId = await h.route({ api_path: `${p}/x` }, async () => ({ body: 'x' }));
    const triggerId = await h.bind(fnId, { api_path: `${p}/gone` });
    assert.equal((await fetch(`${h.base}${p}/gone`)).status, 200);
    await h.worker.trigger({ function_id: 'engine::unregister_trigger', payload: { id: triggerId, trigger_type: 'http' } });
    assert.equal((await fetch(`${h.base}${p}/gone`)).status, 404);
    assert.equal((await fetch(`${h.base}${p}/x`)).status, 200);
  });

  it('routes registered over the worker socket (registerTrigger) serve too', async () => {
    const p = uniquePath();
    const id = `${p.slice(1)}::sdk`;
    await h.fn(id, async () => ({ body: { via: 'registerTrigger' } }));
    const trigger = h.worker.registerTrigger({ type: 'http', function_id: id, config: { api_path: `${p}/sdk` } });
    try {
      const { waitFor } = await import('../../helpers/wait.ts');
      const res = await waitFor(
        async () => {
          const r = await fetch(`${h.base}${p}/sdk`);
          return r.status === 200 ? r : undefined;
        },
        { what: 'route registered over the socket' },
      );
      assert.deepEqual(await res.json(), { via: 'registerTrigger' });
    } finally {
      trigger.unregister();
    }
  });
});
