/** Middleware (workers.md §1.6: global by priority, then per-route; continue / respond) and CORS (workers.md §1.7). */
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { uniqueName } from '../../helpers/names.ts';
import { type HttpHarness, startHttp, uniquePath } from './harness.ts';

interface MiddlewareInput {
  phase: string;
  request: { path_params: Record<string, string>; query_params: Record<string, string>; headers: Record<string, string>; method: string };
  context: Record<string, unknown>;
}

describe('http e2e: middleware', () => {
  let h: HttpHarness;
  const first = uniqueName('mw-first');
  const second = uniqueName('mw-second');
  const calls: string[] = [];
  let lastInput: MiddlewareInput | undefined;
  before(async () => {
    // Listed out of order: priority decides.
    h = await startHttp({
      middleware: [
        { function_id: second, priority: 20 },
        { function_id: first, priority: 10 },
      ],
    });
    await h.fn(first, async (input) => {
      const mw = input as MiddlewareInput;
      lastInput = mw;
      calls.push('first');
      if (mw.request.headers['x-block'] === 'global') {
        return { action: 'respond', response: { status_code: 401, body: { error: 'blocked by global middleware' } } };
      }
      return { action: 'continue' };
    });
    await h.fn(second, async () => {
      calls.push('second');
      return null; // null counts as continue
    });
  });
  after(async () => {
    await h?.close();
  });

  it('runs global middleware by priority, then per-route middleware, then the handler', async () => {
    const p = uniquePath();
    const perRoute = uniqueName('mw-route');
    await h.fn(perRoute, async (input) => {
      calls.push('route');
      const mw = input as MiddlewareInput;
      if (mw.request.query_params.deny)
        return { action: 'respond', response: { status_code: 403, headers: { 'x-why': 'route' }, body: { denied: true } } };
      return { action: 'continue' };
    });
    await h.route({ api_path: `${p}/items/:id`, http_method: 'POST', middleware_function_ids: [perRoute] }, async () => {
      calls.push('handler');
      return { body: { ok: true } };
    });
    calls.length = 0;
    const ok = await fetch(`${h.base}${p}/items/7?x=1`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: '{"secret":1}',
    });
    assert.deepEqual(await ok.json(), { ok: true });
    assert.deepEqual(calls, ['first', 'second', 'route', 'handler']);
    assert.deepEqual(lastInput, {
      phase: 'preHandler',
      request: { path_params: { id: '7' }, query_params: { x: '1' }, headers: lastInput?.request.headers, method: 'POST' },
      context: {},
    });
    assert.equal('body' in (lastInput?.request ?? {}), false, 'middleware never sees the body');

    calls.length = 0;
    const denied = await fetch(`${h.base}${p}/items/7?deny=1`, { method: 'POST' });
    assert.equal(denied.status, 403);
    assert.equal(denied.headers.get('x-why'), 'route');
    assert.deepEqual(await denied.json(), { denied: true });
    assert.deepEqual(calls, ['first', 'second', 'route']);
  });

  it('a global middleware can respond before anything else runs', async () => {
    const p = uniquePath();
    await h.route({ api_path: `${p}/g` }, async () => {
      calls.push('handler');
      return {};
    });
    calls.length = 0;
    const res = await fetch(`${h.base}${p}/g`, { headers: { 'x-block': 'global' } });
    assert.equal(res.status, 401);
    assert.equal(res.headers.get('content-type'), 'application/json');
    assert.deepEqual(await res.json(), { error: 'blocked by global middleware' });
    assert.deepEqual(calls, ['first']);
  });

  it('a middleware that throws answers 500 with its error', async () => {
    const p = uniquePath();
    const broken = uniqueName('mw-broken');
    await h.fn(broken, async () => {
      throw new Error('middleware broke');
    });
    await h.route({ api_path: `${p}/b`, middleware_function_ids: [broken] }, async () => ({}));
    const res = await fetch(`${h.base}${p}/b`);
    assert.equal(res.status, 500);
    const body = (await res.json()) as { error: { message: string; error_id: string } };
    assert.equal(body.error.message, 'middleware broke');
    assert.ok(body.error.error_id);
  });

  it('CORS is permissive when not configured', async () => {
    const p = uniquePath();
    await h.route({ api_path: `${p}/c`, http_method: 'PUT' }, async () => ({ body: 'ok' }));
    const pre = await fetch(`${h.base}${p}/c`, {
      method: 'OPTIONS',
      headers: { origin: 'http://anywhere.example', 'access-control-request-method': 'PUT', 'access-control-request-headers': 'x-token' },
    });
    assert.equal(pre.status, 200);
    assert.equal(pre.headers.get('access-control-allow-origin'), '*');
    assert.equal(pre.headers.get('access-control-allow-methods'), '*');
    assert.equal(pre.headers.get('access-control-allow-headers'), 'x-token');
    const actual = await fetch(`${h.base}${p}/c`, { method: 'PUT', headers: { origin: 'http://anywhere.example', 'x-block': 'no' } });
    assert.equal(actual.headers.get('access-control-allow-origin'), '*');
    const missing = await fetch(`${h.base}${p}/nothing`, { headers: { origin: 'http://anywhere.example' } });
    assert.equal(missing.status, 404);
    assert.equal(missing.headers.get('access-control-allow-origin'), '*', 'errors carry CORS headers too');
  });
});

describe('http e2e: configured CORS', () => {
  let h: HttpHarness;
  before(async () => {
    h = await startHttp({ cors: { allowed_origins: ['http://ok.example'], allowed_methods: ['GET', 'POST'] } });
  });
  after(async () => {
    await h?.close();
  });

  it('echoes allowed origins, lists allowed methods, and omits headers for other origins', async () => {
    const p = uniquePath();
    await h.route({ api_path: `${p}/r` }, async () => ({ body: 'ok' }));
    const pre = await fetch(`${h.base}${p}/r`, {
      method: 'OPTIONS',
      headers: { origin: 'http://ok.example', 'access-control-request-method': 'POST' },
    });
    assert.equal(pre.status, 200);
    assert.equal(pre.headers.get('access-control-allow-origin'), 'http://ok.example');
    assert.equal(pre.headers.get('access-control-allow-methods'), 'GET,POST');
    assert.equal(pre.headers.get('vary'), 'origin');
    const ok = await fetch(`${h.base}${p}/r`, { headers: { origin: 'http://ok.example' } });
    assert.equal(ok.headers.get('access-control-allow-origin'), 'http://ok.example');
    const other = await fetch(`${h.base}${p}/r`, { headers: { origin: 'http://evil.example' } });
    assert.equal(other.status, 200);
    assert.equal(other.headers.get('access-control-allow-origin'), null);
  });
});
