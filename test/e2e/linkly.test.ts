/**
 * Linkly end to end, as a user runs it: `iii` in the project folder (a fresh copy, free ports), the
 * link / analytics / click-streamer / bulk-importer workers as supervised child processes, real HTTP,
 * WebSocket and CLI (chapter 6 has its own suite, linkly-bulk.test.ts).
 */
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { uniqueName } from '../helpers/names.ts';
import { waitFor } from '../helpers/wait.ts';
import {
  connect,
  createLink,
  follow,
  iiiTrigger,
  type Linkly,
  type StreamFrame,
  startLinkly,
  subscribeClicks,
  workerTransports,
} from './linkly-harness.ts';

const createdClicks = (frames: StreamFrame[], code: string) =>
  frames.filter((f) => f.event?.type === 'create' && (f.event.data as { code?: string } | undefined)?.code === code);

describe('Linkly (ch. 1-5) through the iii CLI', () => {
  let app: Linkly;
  before(async () => {
    // Over iii's Unix socket (`--worker-transport unix`), so every chapter's flow is covered on it too;
    // linkly-durable and the other Linkly suites run on the default, TCP.
    app = await startLinkly({ workerTransport: 'unix' });
  });
  after(async () => {
    await app?.stop();
    app?.remove();
  });

  it('ch. 5 "See it work": three redirects land in the clicks stream and reach a WebSocket subscriber', async () => {
    const sub = await subscribeClicks(app);
    try {
      const created = await createLink(app, { url: 'https://iii.dev', code: 'stream-me' });
      assert.equal(created.status, 201);
      assert.deepEqual(created.body, { code: 'stream-me', url: 'https://iii.dev' });
      for (let n = 0; n < 3; n++) assert.deepEqual(await follow(app, 'stream-me'), { status: 302, location: 'https://iii.dev' });

      await waitFor(() => createdClicks(sub.frames, 'stream-me').length === 3, {
        timeoutMs: 30_000,
        what: 'three click events on the WebSocket',
      });
      const listed = JSON.parse(await iiiTrigger(app, ['stream::list', 'stream_name=clicks', 'group_id=all'])) as {
        code: string;
        clicked_at: string;
      }[];
      const mine = listed.filter((c) => c.code === 'stream-me');
      assert.equal(mine.length, 3);
      for (const c of mine) assert.ok(!Number.isNaN(Date.parse(c.clicked_at)), c.clicked_at);
    } finally {
      sub.close();
    }
  });

  it('with --worker-transport unix the workers `iii` starts reach the engine through its Unix socket', async () => {
    const client = connect(app);
    try {
      const transports = await workerTransports(client);
      for (const name of ['link', 'analytics', 'click-streamer', 'bulk-importer']) assert.equal(transports[name], 'unix', name);
    } finally {
      await client.shutdown();
    }
  });

  it('ch. 1: iii trigger link::create / link::resolve print JSON', async () => {
    const out = JSON.parse(await iiiTrigger(app, ['link::create', 'url=https://iii.dev', 'code=iii'])) as unknown;
    assert.deepEqual(out, { code: 'iii', url: 'https://iii.dev' });
    assert.deepEqual(JSON.parse(await iiiTrigger(app, ['link::resolve', 'code=iii'])), { url: 'https://iii.dev' });
    assert.deepEqual(JSON.parse(await iiiTrigger(app, ['link::resolve', 'code=nope'])), { url: null });
    const help = await iiiTrigger(app, ['link::create', '--help']);
    assert.match(help, /Create a short link/);
    assert.match(help, /\burl\b.*\bstring\b.*\byes\b/);
    assert.match(help, /\bcode\b.*\bstring\b.*\bno\b/);
    const generated = await createLink(app, { url: 'example.com/no-scheme' });
    assert.equal(generated.status, 201);
    assert.match(String(generated.body.code), /^[a-z0-9]{6}$/);
    assert.equal(generated.body.url, 'https://example.com/no-scheme');
  });

  it('ch. 4: link.created is counted by the analytics worker in its own database', async () => {
    const client = connect(app);
    try {
      const total = async (): Promise<number> => {
        const res = (await client.trigger({
          function_id: 'database::query',
          payload: { db: 'analytics', sql: 'SELECT COALESCE(SUM(count), 0) AS n FROM daily_link_counts' },
        })) as {
          rows: { n: number }[];
        };
        return Number(res.rows[0]?.n ?? 0);
      };
      const links = (await (await fetch(`${app.api}/links?limit=500`)).json()) as { links: unknown[] };
      await waitFor(async () => (await total()) === links.links.length, { timeoutMs: 30_000, what: 'analytics to count every link' });
      const before = await total();
      assert.equal((await createLink(app, { url: 'https://analytics.example', code: uniqueName('an') })).status, 201);
      await waitFor(async () => (await total()) === before + 1, { timeoutMs: 30_000, what: 'one more link counted' });
    } finally {
      await client.shutdown();
    }
  });

  it('ch. 4: PUT /links/:code refreshes the cached URL through durable pub/sub', async () => {
    const code = uniqueName('upd');
    assert.equal((await createLink(app, { url: 'https://old.example', code })).status, 201);
    assert.equal((await follow(app, code)).location, 'https://old.example');
    const put = await fetch(`${app.api}/links/${code}`, {
      method: 'PUT',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ url: 'https://new.example' }),
    });
    assert.equal(put.status, 200);
    assert.deepEqual(await put.json(), { code, url: 'https://new.example' });
    // The redirect reads the state cache first: it only changes once link::on_link_updated has run.
    await waitFor(async () => (await follow(app, code)).location === 'https://new.example', {
      timeoutMs: 30_000,
      what: 'the cache to pick up the new URL',
    });
    const client = connect(app);
    try {
      assert.deepEqual(await client.trigger({ function_id: 'state::get', payload: { scope: 'links', key: code } }), {
        url: 'https://new.example',
      });
    } finally {
      await client.shutdown();
    }
    const missing = await fetch(`${app.api}/links/${uniqueName('none')}`, {
      method: 'PUT',
      headers: { 'content-type': 'application/json' },
      body: '{"url":"https://x.example"}',
    });
    assert.equal(missing.status, 404);
  });

  it('refuses bad input with JSON errors: 400, 409, 404', async () => {
    const bad = async (body: unknown, status: number, code: string) => {
      const res = await createLink(app, body);
      assert.equal(res.status, status, JSON.stringify(body));
      assert.equal(res.body.code, code, JSON.stringify(res.body));
      assert.equal(typeof res.body.error, 'string');
    };
    await bad({}, 400, 'E_LINK_MISSING_URL');
    await bad({ url: 'javascript:alert(document.cookie)' }, 400, 'E_LINK_INVALID_URL');
    await bad({ url: 'data:text/html,<script>alert(1)</script>' }, 400, 'E_LINK_INVALID_URL');
    await bad({ url: `https://long.example/${'x'.repeat(2100)}` }, 400, 'E_LINK_URL_TOO_LONG');
    await bad({ url: 'https://x.example', code: 'has space' }, 400, 'E_LINK_INVALID_CODE');
    await bad({ url: 'https://x.example', code: 'x'.repeat(65) }, 400, 'E_LINK_INVALID_CODE');
    const code = uniqueName('taken');
    assert.equal((await createLink(app, { url: 'https://first.example', code })).status, 201);
    await bad({ url: 'https://second.example', code }, 409, 'E_LINK_CODE_TAKEN');
    assert.equal((await follow(app, code)).location, 'https://first.example');

    const notFound = await fetch(`${app.api}/s/${uniqueName('missing')}`, { redirect: 'manual' });
    assert.equal(notFound.status, 404);
    assert.deepEqual(await notFound.json(), { error: 'link not found' });
    const noRoute = await fetch(`${app.api}/no/such/route`);
    assert.equal(noRoute.status, 404);
    assert.match(noRoute.headers.get('content-type') ?? '', /application\/json/);
    await noRoute.json();
    const wrongMethod = await fetch(`${app.api}/links`, { method: 'DELETE' });
    assert.ok([404, 405].includes(wrongMethod.status), `DELETE /links → ${wrongMethod.status}`);
    assert.match(wrongMethod.headers.get('content-type') ?? '', /application\/json/);
    await wrongMethod.json();
  });

  it('GET /links and link::list: click totals from SQL (the dashboard view starts from them); no old page', async () => {
    const code = uniqueName('cnt');
    await createLink(app, { url: 'https://count.example', code });
    for (let n = 0; n < 2; n++) await follow(app, code);
    await waitFor(
      async () => {
        const { links } = (await (await fetch(`${app.api}/links?limit=500`)).json()) as { links: { code: string; clicks: number }[] };
        return links.find((l) => l.code === code)?.clicks === 2;
      },
      { timeoutMs: 30_000, what: 'two clicks counted in SQL' },
    );
    const listed = JSON.parse(await iiiTrigger(app, ['link::list', 'limit=500'])) as {
      links: { code: string; url: string; clicks: number; last_click_at: string | null }[];
    };
    const row = listed.links.find((l) => l.code === code);
    assert.equal(row?.clicks, 2);
    assert.equal(row?.url, 'https://count.example');
    assert.match(row?.last_click_at ?? '', /^\d{4}-\d\d-\d\dT/);
    await assert.rejects(iiiTrigger(app, ['link::list', 'limit=0']), /E_LINK_INVALID_LIMIT/);
    // One frontend: the link worker no longer serves the chapter 5 page (the React app's ?view=dashboard does).
    for (const path of ['/dashboard', '/']) {
      const res = await fetch(`${app.api}${path}`);
      await res.arrayBuffer();
      assert.equal(res.status, 404, path);
    }
  });
});
