/**
 * The live dashboard in a real browser (Debian's Chromium through playwright-core): create a link from
 * the form, follow it three times, and watch its counter reach 3 from the clicks/all stream.
 * Saves test-output/linkly-dashboard.png.
 */
import assert from 'node:assert/strict';
import { mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { it } from 'node:test';
import { chromium } from 'playwright-core';
import { uniqueName } from '../helpers/names.ts';
import { waitFor } from '../helpers/wait.ts';
import { CHROMIUM, CHROMIUM_ARGS, createLink, follow, hasChromium, REPO, startLinkly } from './linkly-harness.ts';

const ARGS = ['--headless', ...CHROMIUM_ARGS];

it('dashboard: a link created from the form counts three clicks live', async (t) => {
  if (!hasChromium()) {
    assert.notEqual(process.env.CI, 'true', `${CHROMIUM} is missing (apt-get install -y chromium)`);
    t.skip(`${CHROMIUM} is missing: apt-get install -y chromium`);
    return;
  }
  const app = await startLinkly();
  const profile = mkdtempSync(join(tmpdir(), 'linkly-chromium-'));
  const browser = await chromium.launchPersistentContext(profile, {
    executablePath: CHROMIUM,
    headless: true,
    args: ARGS,
    viewport: { width: 1280, height: 860 },
  });
  try {
    // Links with some history first (counted from SQL when the page loads), so the page is populated.
    for (const [seed, url, clicks] of [
      ['docs', 'https://iii.dev/docs', 2],
      ['blog', 'https://iii.dev/blog/workers-everywhere', 1],
    ] as const) {
      assert.equal((await createLink(app, { url, code: seed })).status, 201);
      for (let n = 0; n < clicks; n++) assert.equal((await follow(app, seed)).status, 302);
    }
    await waitFor(
      async () => {
        const { links } = (await (await fetch(`${app.api}/links`)).json()) as { links: { clicks: number }[] };
        return links.reduce((n, l) => n + l.clicks, 0) === 3;
      },
      { timeoutMs: 30_000, what: 'the seeded clicks in SQL' },
    );
    const page = browser.pages()[0] ?? (await browser.newPage());
    await page.goto(`${app.api}/dashboard`);
    await page.waitForSelector('#status[data-state="live"]', { timeout: 30_000 });

    const code = uniqueName('demo').replace('-', '_');
    await page.fill('#url', 'https://iii.dev/docs/tutorials/linkly');
    await page.fill('#code', code);
    await page.click('button[type="submit"]');
    await page.waitForSelector(`tr[data-code="${code}"]`, { timeout: 30_000 });
    assert.equal(await page.textContent(`tr[data-code="${code}"] .clicks span`), '0');

    for (let n = 0; n < 3; n++) assert.equal((await follow(app, code)).status, 302);
    await page.waitForFunction((c) => document.querySelector(`tr[data-code="${c}"] .clicks span`)?.textContent === '3', code, {
      timeout: 30_000,
    });
    assert.equal(await page.textContent(`tr[data-code="${code}"] .clicks span`), '3');
    await page.waitForFunction(() => document.querySelectorAll('#feed li[data-id]').length >= 6, undefined, { timeout: 15_000 });

    // A bad URL shows the API's error next to the form.
    await page.fill('#url', 'javascript:alert(1)');
    await page.fill('#code', '');
    await page.click('button[type="submit"]');
    await page.waitForSelector('#form-msg.err', { timeout: 15_000 });
    // And a good one without a code gets a generated one.
    await page.fill('#url', 'example.com/launch');
    await page.click('button[type="submit"]');
    await page.waitForSelector('#form-msg.ok', { timeout: 15_000 });
    assert.match((await page.textContent('#form-msg')) ?? '', /\/s\/[a-z0-9]{6}/);

    mkdirSync(join(REPO, 'test-output'), { recursive: true });
    await page.screenshot({ path: join(REPO, 'test-output', 'linkly-dashboard.png'), fullPage: true });
  } finally {
    await browser.close();
    rmSync(profile, { recursive: true, force: true });
    await app.stop();
    app.remove();
  }
});
