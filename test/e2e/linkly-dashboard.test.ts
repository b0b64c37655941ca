/**
 * The live dashboard, the React app's `?view=dashboard` (Linkly's one frontend), in a real browser (Debian's
 * Chromium through playwright-core): click totals made before an engine restart come back from SQL although
 * the in-memory clicks stream starts empty, then a new link's counter climbs to 3 live as it is followed.
 * Saves test-output/linkly-dashboard.png (docs/img/linkly-dashboard.png is a copy).
 */
import assert from 'node:assert/strict';
import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { it } from 'node:test';
import type { Page } from 'playwright-core';
import { uniqueName } from '../helpers/names.ts';
import { waitFor } from '../helpers/wait.ts';
import { chromiumSkip, createLink, follow, iiiTrigger, openChromium, REPO, serveFrontendFor, startLinkly } from './linkly-harness.ts';

/** The clicks cell of `code`'s row, or null while the row is not there. */
const clicksOf = (page: Page, code: string) =>
  page.evaluate((c) => document.querySelector(`tr[data-code="${c}"] td.clicks`)?.textContent ?? null, code);

it('dashboard view: totals from SQL survive a restart, then a new link counts three clicks live', async (t) => {
  const skip = chromiumSkip();
  if (skip) return t.skip(skip);
  let app = await startLinkly();
  let frontend: { url: string; close(): void } | undefined;
  let chromium: Awaited<ReturnType<typeof openChromium>> | undefined;
  try {
    // History first: three clicks on two links, stored in SQL.
    for (const [code, url, clicks] of [
      ['docs', 'https://iii.dev/docs', 2],
      ['blog', 'https://iii.dev/blog/workers-everywhere', 1],
    ] as const) {
      assert.equal((await createLink(app, { url, code })).status, 201);
      for (let n = 0; n < clicks; n++) assert.equal((await follow(app, code)).status, 302);
    }
    const sqlTotal = async () => {
      const { links } = (await (await fetch(`${app.api}/links`)).json()) as { links: { clicks: number }[] };
      return links.reduce((n, l) => n + l.clicks, 0);
    };
    await waitFor(async () => (await sqlTotal()) === 3, { timeoutMs: 30_000, what: 'the three clicks in SQL' });

    // A restart empties the clicks stream (in memory); SQL keeps the clicks.
    await app.stop();
    app = await startLinkly({ dir: app.dir, ports: app.ports });
    assert.deepEqual(JSON.parse(await iiiTrigger(app, ['stream::list', 'stream_name=clicks', 'group_id=all'])), []);

    frontend = await serveFrontendFor(app);
    chromium = await openChromium();
    const page = await chromium.newPage();
    await page.goto(`${frontend.url}/?view=dashboard`);
    await page.getByRole('heading', { name: 'Linkly dashboard' }).waitFor({ timeout: 30_000 });
    await page.waitForSelector('.status[data-state="connected"]', { timeout: 120_000 });
    await page.waitForFunction(
      () => document.querySelector('.stats[data-loaded="true"] [data-stat="total"]')?.textContent === '3',
      undefined,
      { timeout: 60_000 },
    );
    assert.equal(await clicksOf(page, 'docs'), '2');
    assert.equal(await clicksOf(page, 'blog'), '1');

    // A link the page has not seen: its first click makes the page re-read the totals, the rest count live.
    const code = uniqueName('demo').replace('-', '_');
    assert.equal((await createLink(app, { url: 'https://iii.dev/docs/tutorials/linkly', code })).status, 201);
    for (let n = 0; n < 3; n++) assert.equal((await follow(app, code)).status, 302);
    await page.waitForFunction((c) => document.querySelector(`tr[data-code="${c}"] td.clicks`)?.textContent === '3', code, {
      timeout: 60_000,
    });
    await page.waitForFunction(() => document.querySelector('[data-stat="total"]')?.textContent === '6', undefined, { timeout: 30_000 });
    await page.waitForFunction((c) => document.querySelectorAll(`.feed li[data-code="${c}"]`).length === 3, code, { timeout: 30_000 });
    assert.equal(await page.textContent('[data-stat="links"]'), '3');
    assert.equal(await sqlTotal(), 6, 'the page agrees with SQL');

    mkdirSync(join(REPO, 'test-output'), { recursive: true });
    await page.screenshot({ path: join(REPO, 'test-output', 'linkly-dashboard.png'), fullPage: true });
  } finally {
    await chromium?.close();
    frontend?.close();
    await app.stop();
    app.remove();
  }
});
