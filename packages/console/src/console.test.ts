/**
 * The console, end to end: as an engine module (in-process calls) and standalone (an iii-sdk worker
 * connection), over real HTTP; and the page itself in Debian's Chromium (test/helpers/chromium.ts: skipped when missing,
 * failing under CI=true).
 */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { chromiumMissing, launchChromium } from '../../../test/helpers/chromium.ts';
import { startTestEngine, type TestEngine } from '../../../test/helpers/engine.ts';
import { uniqueName } from '../../../test/helpers/names.ts';
import { waitFor } from '../../../test/helpers/wait.ts';
import { consoleModule, startConsole } from './index.ts';

async function post(base: string, body: unknown): Promise<{ status: number; json: Record<string, unknown> }> {
  const r = await fetch(`${base}/api/call`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify(body),
  });
  return { status: r.status, json: (await r.json()) as Record<string, unknown> };
}

/** One engine span with one child, so there is a trace to look at. */
function seedTrace(engine: TestEngine, name: string): string {
  const tracer = engine.api.services.get('tracer')!;
  const root = tracer.startSpan(name, { kind: 'server' });
  tracer.startSpan(`child of ${name}`, { parent: root.traceparent }).end();
  root.end();
  return root.traceId;
}

describe('console module (in-process)', () => {
  it('serves the UI on page routes and forwards /api/call to engine functions', async () => {
    const engine = await startTestEngine({ modules: [consoleModule], workers: [{ name: 'console' }] });
    try {
      const base = engine.addresses.console;
      assert.ok(base, 'console address published');
      for (const path of ['/', '/traces', '/traces/abc', '/logs?severity_min=9', '/queues/link.updated']) {
        const r: Response = await fetch(`${base}${path}`);
        assert.equal(r.status, 200, path);
        assert.match(await r.text(), /<title>iii console<\/title>/);
      }
      assert.equal((await fetch(`${base}/nope.js`)).status, 404);
      const name = uniqueName('GET /c');
      seedTrace(engine, name);
      const ok = await post(base, { function_id: 'engine::traces::list', payload: { name } });
      assert.equal(ok.status, 200);
      assert.equal((ok.json.result as { spans: Array<{ name: string }> }).spans[0]?.name, name);
      const missing = await post(base, { function_id: uniqueName('nope::fn') });
      assert.equal(missing.status, 502);
      assert.equal((missing.json.error as { code: string }).code, 'function_not_found');
      assert.equal((await post(base, { payload: {} })).status, 400);
      const status = (await (await fetch(`${base}/api/status`)).json()) as { version: string };
      assert.equal(status.version, engine.api.version);
      const fnStatus = (await engine.api.invoke('console::status', {})) as { http_port: number };
      assert.equal(fnStatus.http_port, Number(new URL(base).port));
    } finally {
      await engine.stop();
    }
  });
});

describe('standalone console (iii-sdk worker)', () => {
  it('connects as iii-console and calls engine functions over the worker protocol', async () => {
    const engine = await startTestEngine();
    const app = await startConsole({ engineUrl: engine.workerUrl, port: 0 });
    try {
      const workers = await waitFor(
        async () => {
          const r = await post(app.url, { function_id: 'engine::workers::list' });
          const list = (r.json.result as { workers: Array<{ name: string }> }).workers;
          return list.some((w) => w.name === 'iii-console') ? list : undefined;
        },
        { what: 'iii-console in the worker list' },
      );
      assert.ok(workers.length >= 1);
      await waitFor(() => engine.api.hasFunction('console::status'), { what: 'console::status' });
      const s = (await engine.api.invoke('console::status', {})) as { http_port: number; engine_url: string };
      assert.equal(s.http_port, Number(new URL(app.url).port));
      assert.equal(s.engine_url, engine.workerUrl);
    } finally {
      await app.shutdown();
      await engine.stop();
    }
  });
});

describe('console page in a browser', () => {
  it('lists a trace, opens its waterfall, shows logs', { skip: chromiumMissing() }, async () => {
    const engine = await startTestEngine({ modules: [consoleModule], workers: [{ name: 'console' }] });
    const chromium = await launchChromium();
    const browser = chromium.context;
    try {
      const name = uniqueName('GET /s');
      const traceId = seedTrace(engine, name);
      const msg = uniqueName('hello from the console test');
      await engine.api.invoke('engine::log::warn', { message: msg, data: { code: 'iii' }, trace_id: traceId });
      const page = browser.pages()[0] ?? (await browser.newPage());
      await page.goto(`${engine.addresses.console}/traces`);
      const row = page.locator(`tr[data-href="/traces/${traceId}"]`);
      await row.waitFor({ timeout: 15_000 });
      assert.match((await row.textContent()) ?? '', new RegExp(name.replace(/[/]/g, '\\/')));
      await row.click();
      await page.waitForSelector('.wf span', { timeout: 15_000 });
      assert.equal(await page.locator('.wf').count(), 2);
      await page.click('nav a[href="/logs"]');
      await page.waitForSelector(`text=${msg}`, { timeout: 15_000 });
      await page.click('nav a[href="/workers"]');
      await page.waitForSelector('main[data-page="workers"] table', { timeout: 15_000 });
    } finally {
      await chromium.close();
      await engine.stop();
    }
  });
});
