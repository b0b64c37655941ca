/**
 * The Linkly cluster end to end (docs/cluster.md): two engines as child processes sharing PostgreSQL,
 * Redis and RabbitMQ. A link created through A redirects through B; a stream subscriber on A sees a
 * click made through B exactly once, and so does the dashboard view of the frontend served for A (and for
 * B) in Chromium; analytics counts a created link once; every click is recorded once.
 * Skips (saying why) without Redis, RabbitMQ or PostgreSQL; fails under CI=true. Saves
 * test-output/linkly-cluster-dashboard.png.
 */
import assert from 'node:assert/strict';
import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import type { Page } from 'playwright-core';
import { uniqueName } from '../helpers/names.ts';
import { waitFor } from '../helpers/wait.ts';
import { type Cluster, clusterSkip, startCluster } from './cluster-harness.ts';
import {
  chromiumSkip,
  createLink,
  follow,
  type Linkly,
  openChromium,
  REPO,
  type StreamFrame,
  serveFrontendFor,
  subscribeClicks,
} from './linkly-harness.ts';

/** Every non-sync event about `code`'s clicks. */
const eventsFor = (frames: StreamFrame[], code: string) =>
  frames.filter((f) => f.event?.type !== 'sync' && (f.event?.data as { code?: string } | undefined)?.code === code);

/** `code`'s clicks on a dashboard view: the total in its row, and how many reached its feed live. */
const dashboardCount = (page: Page, code: string) =>
  page.evaluate(
    (c) => ({
      clicks: document.querySelector(`tr[data-code="${c}"] td.clicks`)?.textContent ?? null,
      live: document.querySelectorAll(`.feed li[data-code="${c}"]`).length,
    }),
    code,
  );

const skip = await clusterSkip();

describe('Linkly cluster: two engines, one PostgreSQL / Redis / RabbitMQ', { skip }, () => {
  let cluster: Cluster;
  before(async () => {
    cluster = await startCluster();
  });
  after(async () => {
    await cluster?.stop();
  });

  it('a link created through engine A redirects through engine B', async () => {
    const code = uniqueName('ab')
      .slice(-20)
      .replace(/[^a-z0-9]/gi, '');
    assert.equal((await createLink(cluster.a, { url: 'https://iii.dev/cluster', code })).status, 201);
    assert.deepEqual(await follow(cluster.b, code), { status: 302, location: 'https://iii.dev/cluster' });
  });

  it('a subscriber on A sees each click made through B exactly once; each click is recorded once', async () => {
    const code = uniqueName('clk')
      .slice(-20)
      .replace(/[^a-z0-9]/gi, '');
    assert.equal((await createLink(cluster.b, { url: 'https://iii.dev/clicks', code })).status, 201);
    const onA = await subscribeClicks(cluster.a);
    const onB = await subscribeClicks(cluster.b);
    try {
      assert.equal((await follow(cluster.b, code)).status, 302);
      await waitFor(() => eventsFor(onA.frames, code).length >= 1, { timeoutMs: 30_000, what: 'the click on A' });
      // A second click is the marker: once it is in on both sockets, a duplicate of the first would be too
      // (one click-streamer writes them in order, and each group's events reach every engine in commit order).
      assert.equal((await follow(cluster.b, code)).status, 302);
      for (const sub of [onA, onB])
        await waitFor(() => eventsFor(sub.frames, code).length >= 2, { timeoutMs: 30_000, what: 'both clicks' });
      for (const sub of [onA, onB]) {
        const events = eventsFor(sub.frames, code);
        assert.deepEqual(
          events.map((e) => e.event?.type),
          ['create', 'create'],
          'one create per click, nothing else',
        );
        assert.notDeepEqual(events[0]?.event?.data, events[1]?.event?.data);
      }
      const rows = await cluster.sql<{ n: string }>('SELECT COUNT(*) AS n FROM clicks WHERE code = $1', [code]);
      assert.equal(Number(rows[0]?.n), 2, 'two clicks recorded, once each');
    } finally {
      onA.close();
      onB.close();
    }
  });

  it('the dashboard view of A (and of B) in Chromium shows each click made through B once, live', async (t) => {
    const noChromium = chromiumSkip();
    if (noChromium) return t.skip(noChromium);
    const code = uniqueName('dash')
      .slice(-20)
      .replace(/[^a-z0-9]/gi, '');
    assert.equal((await createLink(cluster.a, { url: 'https://iii.dev/dashboard', code })).status, 201);
    // Each engine serves its own build of the frontend, connected to its own RBAC listener (start:cluster does the same).
    const frontends = [await serveFrontendFor(cluster.a, 'engine-a'), await serveFrontendFor(cluster.b, 'engine-b')];
    const chromium = await openChromium();
    try {
      const pages: Page[] = [];
      for (const f of frontends) {
        const page = await chromium.newPage();
        await page.goto(`${f.url}/?view=dashboard`);
        await page.waitForSelector('.status[data-state="connected"]', { timeout: 120_000 });
        await page.waitForFunction((c) => document.querySelector(`tr[data-code="${c}"] td.clicks`)?.textContent === '0', code, {
          timeout: 60_000,
        });
        pages.push(page);
      }
      for (let n = 0; n < 2; n++) assert.equal((await follow(cluster.b, code)).status, 302);
      for (const page of pages) {
        // The feed only grows from stream events: two entries there mean the clicks arrived live, not by a reload.
        await waitFor(async () => (await dashboardCount(page, code)).live >= 2, { timeoutMs: 60_000, what: 'two live clicks' });
        await waitFor(async () => (await dashboardCount(page, code)).clicks === '2', { timeoutMs: 30_000, what: 'a total of 2' });
      }
      const rows = await cluster.sql<{ n: string }>('SELECT COUNT(*) AS n FROM clicks WHERE code = $1', [code]);
      assert.equal(Number(rows[0]?.n), 2);
      // A third click as the marker: once it shows, a late duplicate of the first two would have too.
      assert.equal((await follow(cluster.b, code)).status, 302);
      for (const page of pages) {
        await waitFor(
          async () => {
            const now = await dashboardCount(page, code);
            return now.clicks === '3' && now.live >= 3;
          },
          { timeoutMs: 60_000, what: 'the third click, live and in the total' },
        );
        assert.deepEqual(await dashboardCount(page, code), { clicks: '3', live: 3 }, 'each click once, in the total and the feed');
      }
      mkdirSync(join(REPO, 'test-output'), { recursive: true });
      await pages[0]?.screenshot({ path: join(REPO, 'test-output', 'linkly-cluster-dashboard.png'), fullPage: true });
    } finally {
      await chromium.close();
      for (const f of frontends) f.close();
    }
  });

  it('analytics counts a link created through either engine once', async () => {
    const today = (): Promise<number> =>
      cluster
        .sql<{ count: number }>('SELECT count FROM daily_link_counts WHERE day = $1', [new Date().toISOString().slice(0, 10)])
        .then((r) => Number(r[0]?.count ?? 0));
    const created = async (app: Linkly): Promise<void> => {
      const code = uniqueName('an')
        .slice(-20)
        .replace(/[^a-z0-9]/gi, '');
      assert.equal((await createLink(app, { url: 'https://iii.dev/analytics', code })).status, 201);
    };
    const before = await today();
    await created(cluster.a);
    await created(cluster.b);
    await waitFor(async () => (await today()) >= before + 2, { timeoutMs: 30_000, what: 'two counted links' });
    // A third creation as the marker: once it is counted, a double count of the first two would show.
    await created(cluster.b);
    await waitFor(async () => (await today()) >= before + 3, { timeoutMs: 30_000, what: 'the marker counted' });
    assert.equal(await today(), before + 3);
  });
});
