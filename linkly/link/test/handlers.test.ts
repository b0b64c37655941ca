/**
 * createHandlers / createHttpHandlers without the engine: `trigger` is answered by a small table of
 * canned replies and every call is recorded, so the tests read what the worker asked the engine to do.
 */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { createHandlers, type TriggerCall } from '../src/handlers.ts';
import { createHttpHandlers } from '../src/http-handlers.ts';
import { dialectOf, INSERT_CLICK, INSERT_CLICK_MYSQL, INSERT_LINK, LIST_LINKS, SELECT_URL, UPDATE_URL } from '../src/sql.ts';

const quiet = { info() {}, warn() {}, error() {} };

/** Links in a Map standing in for SQL and state; duplicate codes fail like SQLite does. */
function backend() {
  const sql = new Map<string, string>();
  const cache = new Map<string, unknown>();
  const calls: TriggerCall[] = [];
  async function trigger(call: TriggerCall): Promise<unknown> {
    calls.push(call);
    const p = call.payload as { sql?: string; params?: unknown[]; key?: string; value?: unknown };
    switch (call.function_id) {
      case 'database::execute':
        if (p.sql === INSERT_LINK) {
          const [code, url] = p.params as [string, string];
          if (sql.has(code)) throw new Error('DRIVER_ERROR: UNIQUE constraint failed: links.code');
          sql.set(code, url);
          return { affected_rows: 1 };
        }
        if (p.sql === UPDATE_URL) {
          const [url, code] = p.params as [string, string];
          if (!sql.has(code)) return { affected_rows: 0 };
          sql.set(code, url);
          return { affected_rows: 1 };
        }
        return { affected_rows: 1 };
      case 'database::query': {
        if (p.sql === LIST_LINKS) {
          // SQLite's shape: COUNT as a number, MAX(clicked_at) NULL for a link nobody followed.
          const rows = [...sql].map(([code, url]) => ({
            code,
            url,
            created_at: '2026-12-08T00:00:00.000Z',
            clicks: 0,
            last_click_at: null,
          }));
          return { rows: rows.slice(0, Number(p.params?.[0])) };
        }
        const url = p.sql === SELECT_URL ? sql.get(String(p.params?.[0])) : undefined;
        return { rows: url ? [{ url }] : [] };
      }
      case 'state::set':
        cache.set(String(p.key), p.value);
        return { old_value: null, new_value: p.value };
      case 'state::get':
        return cache.get(String(p.key)) ?? null;
      default:
        return null;
    }
  }
  return { sql, cache, calls, trigger, ids: () => calls.map((c) => c.function_id) };
}

describe('link handlers', () => {
  it('create stores in SQL and state, then publishes link.created', async () => {
    const b = backend();
    const link = createHandlers({ trigger: b.trigger, logger: quiet });
    assert.deepEqual(await link.create({ url: 'iii.dev', code: 'iii' }), { code: 'iii', url: 'https://iii.dev' });
    assert.deepEqual(b.ids(), ['database::execute', 'state::set', 'publish']);
    assert.deepEqual(b.calls[2]?.payload, { topic: 'link.created', data: { code: 'iii', url: 'https://iii.dev' } });
  });

  it('create maps a duplicate key to E_LINK_CODE_TAKEN without touching the cache', async () => {
    const b = backend();
    const link = createHandlers({ trigger: b.trigger, logger: quiet });
    await link.create({ url: 'https://a.example', code: 'dup' });
    await assert.rejects(link.create({ url: 'https://b.example', code: 'dup' }), /\[E_LINK_CODE_TAKEN\]/);
    assert.deepEqual(b.cache.get('dup'), { url: 'https://a.example' });
  });

  it('create retries random codes that collide', async () => {
    const b = backend();
    const codes = ['aaaaaa', 'aaaaaa', 'bbbbbb'];
    const link = createHandlers({ trigger: b.trigger, logger: quiet, newCode: () => codes.shift() ?? 'zzzzzz' });
    assert.equal((await link.create({ url: 'x.example' })).code, 'aaaaaa');
    assert.equal((await link.create({ url: 'y.example' })).code, 'bbbbbb');
  });

  it('resolve reads the cache, falls back to SQL and warms the cache', async () => {
    const b = backend();
    const link = createHandlers({ trigger: b.trigger, logger: quiet });
    b.sql.set('cold', 'https://cold.example');
    assert.deepEqual(await link.resolve({ code: 'cold' }), { url: 'https://cold.example' });
    assert.deepEqual(b.cache.get('cold'), { url: 'https://cold.example' });
    b.calls.length = 0;
    assert.deepEqual(await link.resolve({ code: 'cold' }), { url: 'https://cold.example' });
    assert.deepEqual(b.ids(), ['state::get']);
    assert.deepEqual(await link.resolve({ code: 'missing' }), { url: null });
    assert.deepEqual(await link.resolve({ code: '../etc' }), { url: null });
  });

  it('recordClick inserts, then publishes link.clicked fire-and-forget', async () => {
    const b = backend();
    const link = createHandlers({ trigger: b.trigger, logger: quiet });
    assert.deepEqual(await link.recordClick({ code: 'c1', clicked_at: '2026-01-01T00:00:00.000Z' }), { recorded: true });
    assert.equal((b.calls[0]?.payload as { sql: string } | undefined)?.sql, INSERT_CLICK);
    assert.equal(b.calls[1]?.function_id, 'publish');
    assert.deepEqual(b.calls[1]?.action, { type: 'void' });
    // On MySQL/MariaDB the duplicate-tolerant insert is spelled ON DUPLICATE KEY.
    const my = backend();
    await createHandlers({ trigger: my.trigger, logger: quiet, dialect: () => 'mysql' }).recordClick({ code: 'c1' });
    assert.equal((my.calls[0]?.payload as { sql: string } | undefined)?.sql, INSERT_CLICK_MYSQL);
  });

  it('dialectOf reads the driver of a database from database::listDatabases', () => {
    const listing = { databases: [{ name: 'primary', driver: 'mysql', url: 'mysql://root@h/test' }] };
    assert.equal(dialectOf(listing, 'primary'), 'mysql');
    assert.equal(dialectOf(listing, 'analytics'), undefined);
    assert.equal(dialectOf({ databases: [{ name: 'primary', driver: 'oracle' }] }, 'primary'), undefined);
    assert.equal(dialectOf(null, 'primary'), undefined);
  });

  it('update refuses unknown codes and publishes link.updated durably', async () => {
    const b = backend();
    const link = createHandlers({ trigger: b.trigger, logger: quiet });
    await assert.rejects(link.update({ code: 'nope', url: 'https://x.example' }), /\[E_LINK_NOT_FOUND\]/);
    await link.create({ url: 'https://old.example', code: 'u1' });
    await link.update({ code: 'u1', url: 'https://new.example' });
    assert.deepEqual(b.calls.at(-1), {
      function_id: 'iii::durable::publish',
      payload: { topic: 'link.updated', data: { code: 'u1', url: 'https://new.example' } },
    });
    await link.onLinkUpdated({ code: 'u1', url: 'https://new.example' });
    assert.deepEqual(b.cache.get('u1'), { url: 'https://new.example' });
  });
});

describe('http handlers', () => {
  function setup() {
    const b = backend();
    const link = createHandlers({ trigger: b.trigger, logger: quiet });
    // Route link::* calls made by the http handlers to the link handlers, as the engine would.
    const trigger = async (call: TriggerCall): Promise<unknown> => {
      if (call.function_id === 'link::create') return link.create(call.payload);
      if (call.function_id === 'link::resolve') return link.resolve(call.payload);
      if (call.function_id === 'link::update') return link.update(call.payload);
      if (call.function_id === 'link::list') return link.list(call.payload);
      return b.trigger(call);
    };
    const http = createHttpHandlers({ trigger, logger: quiet });
    return { b, http };
  }

  it('POST /links: 201, 400 for bad input, 409 for a taken code', async () => {
    const { http } = setup();
    assert.deepEqual(await http.create({ body: { url: 'https://iii.dev', code: 'iii' } }), {
      status_code: 201,
      headers: { 'Content-Type': 'application/json' },
      body: { code: 'iii', url: 'https://iii.dev' },
    });
    assert.deepEqual((await http.create({ body: {} })).body, { error: 'missing "url"', code: 'E_LINK_MISSING_URL' });
    assert.equal((await http.create({ body: null })).status_code, 400);
    assert.equal((await http.create({ body: { url: 'javascript:alert(1)' } })).status_code, 400);
    assert.equal((await http.create({ body: { url: 'https://x.example', code: 'no spaces' } })).status_code, 400);
    const taken = await http.create({ body: { url: 'https://other.example', code: 'iii' } });
    assert.equal(taken.status_code, 409);
    assert.equal((taken.body as { code: string }).code, 'E_LINK_CODE_TAKEN');
  });

  it('GET /s/:code: 302 and a queued click, or 404', async () => {
    const { b, http } = setup();
    await http.create({ body: { url: 'https://iii.dev', code: 'go' } });
    const res = await http.redirect({ path_params: { code: 'go' } });
    assert.deepEqual(res, { status_code: 302, headers: { Location: 'https://iii.dev' } });
    const enqueue = b.calls.at(-1);
    assert.equal(enqueue?.function_id, 'link::record_click');
    assert.deepEqual(enqueue?.action, { type: 'enqueue', queue: 'clicks' });
    assert.deepEqual(await http.redirect({ path_params: { code: 'nope' } }), {
      status_code: 404,
      headers: { 'Content-Type': 'application/json' },
      body: { error: 'link not found' },
    });
  });

  it('PUT /links/:code: 200, 404, 400', async () => {
    const { http } = setup();
    await http.create({ body: { url: 'https://iii.dev', code: 'p' } });
    assert.equal((await http.update({ path_params: { code: 'p' }, body: { url: 'https://new.example' } })).status_code, 200);
    assert.equal((await http.update({ path_params: { code: 'q' }, body: { url: 'https://new.example' } })).status_code, 404);
    assert.equal((await http.update({ path_params: { code: 'p' }, body: { url: 'data:text/plain,x' } })).status_code, 400);
  });

  it('GET /links: link::list with the query limit, a bad one meaning the default', async () => {
    const { b, http } = setup();
    await http.create({ body: { url: 'https://iii.dev', code: 'l1' } });
    const res = await http.list({ query_params: { limit: '20' } });
    assert.equal(res.status_code, 200);
    assert.deepEqual(res.body, {
      links: [{ code: 'l1', url: 'https://iii.dev', created_at: '2026-12-08T00:00:00.000Z', clicks: 0, last_click_at: null }],
    });
    const limits = async (limit: unknown) => {
      await http.list({ query_params: { limit } });
      const query = b.calls.findLast((c) => c.function_id === 'database::query');
      return (query?.payload as { params?: unknown[] } | undefined)?.params;
    };
    assert.deepEqual(await limits('abc'), [100]);
    assert.deepEqual(await limits('9999'), [500]);
    assert.deepEqual(await limits(undefined), [100]);
  });
});

describe('link::list', () => {
  it('lists with click totals; a limit outside 1-500 is E_LINK_INVALID_LIMIT', async () => {
    const b = backend();
    const link = createHandlers({ trigger: b.trigger, logger: quiet });
    await link.create({ url: 'https://iii.dev', code: 'a' });
    await link.create({ url: 'https://iii.dev/docs', code: 'b' });
    assert.deepEqual(
      (await link.list({})).links.map((l) => l.code),
      ['a', 'b'],
    );
    assert.deepEqual((await link.list({ limit: '1' })).links.length, 1);
    for (const limit of [0, 501, 2.5, 'ten', true]) {
      await assert.rejects(link.list({ limit }), /\[E_LINK_INVALID_LIMIT\] limit must be a whole number from 1 to 500/);
    }
  });
});
