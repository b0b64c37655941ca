/**
 * Linkly chapter 7 "See it work" in a real browser (Debian's Chromium through playwright-core), from
 * `npm start`: shorten a link from the form, follow it three times and see "Live clicks: 3", then
 * `iii trigger link::request_delete` shows the page's confirm prompt: OK deletes (404), Cancel keeps it.
 * Also: a wrong token is refused at connect, and the page may not call database::execute or link::delete.
 * Saves test-output/linkly-frontend*.png.
 */
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { it } from 'node:test';
import { chromium, type Page } from 'playwright-core';
import { uniqueName } from '../helpers/names.ts';
import { waitFor } from '../helpers/wait.ts';
import { CHROMIUM, CHROMIUM_ARGS, follow, hasChromium, iiiTrigger, npmStartEnv, REPO } from './linkly-harness.ts';

const SHOTS = join(REPO, 'test-output');

it('chapter 7 from npm start: shorten, live clicks, confirm before delete, RBAC refusals', async (t) => {
  if (!hasChromium()) {
    assert.notEqual(process.env.CI, 'true', `${CHROMIUM} is missing (apt-get install -y chromium)`);
    t.skip(`${CHROMIUM} is missing: apt-get install -y chromium`);
    return;
  }
  const { dir, ports, env } = await npmStartEnv();
  const child = spawn(process.execPath, [join(REPO, 'scripts/start.js')], { env, stdio: ['ignore', 'pipe', 'pipe'], detached: true });
  let out = '';
  child.stdout.on('data', (b: Buffer) => (out += b.toString()));
  child.stderr.on('data', (b: Buffer) => (out += b.toString()));
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  const app = { api: `http://127.0.0.1:${ports.http}`, ports, dir };
  const profile = mkdtempSync(join(tmpdir(), 'linkly-chromium-'));
  let browser: Awaited<ReturnType<typeof chromium.launchPersistentContext>> | undefined;
  try {
    await waitFor(() => out.includes('Linkly is running'), {
      timeoutMs: 180_000,
      intervalMs: 100,
      what: `the banner; output so far:\n${out}`,
    });
    const frontend = /Frontend {3}(http:\/\/localhost:\d+)/.exec(out)?.[1];
    assert.equal(frontend, `http://localhost:${ports.frontend}`, out);

    browser = await chromium.launchPersistentContext(profile, {
      executablePath: CHROMIUM,
      headless: true,
      args: CHROMIUM_ARGS,
      viewport: { width: 1000, height: 760 },
    });
    const page = browser.pages()[0] ?? (await browser.newPage());
    await page.goto(frontend!);
    await page.waitForSelector('.status[data-state="connected"]', { timeout: 120_000 });
    // the tab's functions are registered once the engine lists them (auth may have refused the first tries)
    await waitFor(
      async () =>
        JSON.parse(await iiiTrigger(app, ['engine::functions::list'])).functions.some(
          (f: { function_id: string }) => f.function_id === 'user::confirm_destructive_op',
        ),
      {
        timeoutMs: 60_000,
        intervalMs: 250,
        what: "the page's user::confirm_destructive_op",
      },
    );

    const code = uniqueName('ch7').replace('-', '_');
    await page.getByLabel('URL').fill('iii.dev/docs');
    await page.getByLabel('Code (optional)').fill(code);
    await page.getByRole('button', { name: 'Shorten' }).click();
    await page.getByText(`Created ${code} → https://iii.dev/docs.`).waitFor({ timeout: 60_000 });
    assert.equal(await page.getByLabel('URL').inputValue(), '');

    for (let n = 0; n < 3; n++) assert.equal((await follow(app, code)).status, 302);
    await page.getByRole('heading', { name: 'Live clicks: 3' }).waitFor({ timeout: 60_000 });
    assert.match((await page.textContent('.last')) ?? '', new RegExp(`^Last: ${code} at \\d{4}-`));
    mkdirSync(SHOTS, { recursive: true });
    await page.screenshot({ path: join(SHOTS, 'linkly-frontend.png'), fullPage: true });

    // Cancel keeps the link, OK deletes it
    const prompts: string[] = [];
    const answer = (accept: boolean) =>
      page.once('dialog', (d) => {
        prompts.push(d.message());
        void (accept ? d.accept() : d.dismiss());
      });
    answer(false);
    assert.deepEqual(JSON.parse(await iiiTrigger(app, ['link::request_delete', `code=${code}`])), { code, deleted: false });
    assert.equal((await follow(app, code)).status, 302);
    answer(true);
    assert.deepEqual(JSON.parse(await iiiTrigger(app, ['link::request_delete', `code=${code}`])), { code, deleted: true });
    assert.equal((await follow(app, code)).status, 404);
    assert.deepEqual(prompts, [`Confirm: delete ${code}?`, `Confirm: delete ${code}?`]);

    await checkRefusals(page, ports.browser);
    // The banner's dashboard is this app's other view: the deleted link is gone from it, its clicks with it.
    const dashboard = /Dashboard {2}(\S+)/.exec(out)?.[1];
    assert.equal(dashboard, `${frontend}/?view=dashboard`, out);
    await page.goto(dashboard!);
    await page.waitForSelector('.status[data-state="connected"]', { timeout: 60_000 });
    await page.getByRole('heading', { name: 'Linkly dashboard' }).waitFor({ timeout: 30_000 });
    await page.waitForFunction(
      () => document.querySelector('.stats[data-loaded="true"] [data-stat="links"]')?.textContent === '0',
      undefined,
      { timeout: 60_000 },
    );
    assert.equal(await page.textContent('[data-stat="total"]'), '0');
    assert.equal(await page.locator(`tr[data-code="${code}"]`).count(), 0);
    await page.screenshot({ path: join(SHOTS, 'linkly-frontend-dashboard.png'), fullPage: true });
  } finally {
    await browser?.close();
    rmSync(profile, { recursive: true, force: true });
    if (child.exitCode === null) {
      process.kill(-child.pid!, 'SIGTERM');
      await exited;
    }
    rmSync(dir, { recursive: true, force: true });
  }
});

/** From inside the page: a wrong token gets AUTH_ERROR; calls outside expose_functions get FORBIDDEN naming them. */
async function checkRefusals(page: Page, browserPort: number): Promise<void> {
  const refused = await page.evaluate(
    (url) =>
      new Promise<string>((resolve) => {
        const ws = new WebSocket(url);
        ws.onmessage = (ev) => resolve(String(ev.data));
      }),
    `ws://localhost:${browserPort}?token=wrong`,
  );
  assert.equal((JSON.parse(refused) as { error: { code: string } }).error.code, 'AUTH_ERROR');
  for (const fn of ['database::execute', 'link::delete']) {
    const err = await page.evaluate(async (function_id) => {
      const iii = (window as unknown as { iii: { trigger(r: unknown): Promise<unknown> } }).iii;
      try {
        await iii.trigger({ function_id, payload: { db: 'primary', sql: 'DELETE FROM links', code: 'x' } });
        return null;
      } catch (e) {
        return { code: (e as { code: string }).code, message: (e as Error).message };
      }
    }, fn);
    assert.equal(err?.code, 'FORBIDDEN');
    assert.ok(err.message.includes(`'${fn}'`), err.message);
  }
}
