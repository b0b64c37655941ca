/**
 * Every console page doing its action in Debian's Chromium, against a real engine (a project started
 * from config.yaml, so config/<id>.yaml entries exist) with real workers: Linkly's `link` worker as a
 * child process, and an iii-sdk test worker for cron, topics, streams and a queue. One engine and one
 * browser for the whole file. Each page's screenshot goes to test-output/console-<page>.png (the ones in
 * docs/img/ come from here).
 */
import assert from 'node:assert/strict';
import { type ChildProcess, spawn } from 'node:child_process';
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { createLogger, type RunningProject, startProject } from '@triad/engine';
import { type IIIClient, TriggerAction } from 'iii-sdk';
import type { Page } from 'playwright-core';
import { parse as parseYaml, stringify as stringifyYaml } from 'yaml';
import { type Chromium, chromiumMissing, launchChromium } from '../../../test/helpers/chromium.ts';
import { connectWorker } from '../../../test/helpers/engine.ts';
import { uniqueName } from '../../../test/helpers/names.ts';
import { waitFor } from '../../../test/helpers/wait.ts';
import { consoleModule } from '../src/index.ts';

const REPO = new URL('../../..', import.meta.url).pathname;
const OUT = join(REPO, 'test-output');
const WAIT = { timeout: 30_000 };

const CONFIG = `workers:
  - name: iii-worker-manager
    config: { host: 127.0.0.1, port: 0 }
  - name: http
    config: { host: 127.0.0.1, port: 0 }
  - name: state
  - name: database
  - name: pubsub
  - name: cron
  - name: iii-stream
    config: { host: 127.0.0.1, port: 0 }
  - name: queue
    config:
      queue_configs:
        jobs: { max_retries: 1, concurrency: 2, backoff_ms: 50 }
  - name: console
    config: { host: 127.0.0.1, port: 0 }
`;

const skip = chromiumMissing();

describe('console pages in Chromium', { skip }, () => {
  let dir: string;
  let project: RunningProject;
  let base: string;
  let linkWorker: ChildProcess;
  let linkOutput = '';
  let w: IIIClient;
  let chromium: Chromium;
  let page: Page;
  const engineLog: string[] = [];
  const call = (function_id: string, payload: unknown = {}) => w.trigger({ function_id, payload, timeoutMs: 10_000 });

  before(async () => {
    dir = mkdtempSync(join(tmpdir(), 'console-pages-'));
    mkdirSync(OUT, { recursive: true });
    writeFileSync(join(dir, 'config.yaml'), CONFIG);
    const logger = createLogger('iii', { level: 'info', sink: (line) => engineLog.push(line) });
    project = await startProject({ configPath: join(dir, 'config.yaml'), modules: [consoleModule], logger, debounceMs: 50 });
    base = project.engine.addresses.console ?? '';
    const workerUrl = project.engine.addresses.worker ?? '';
    // Linkly's link worker as `iii` runs it: its own process, OpenTelemetry on (its spans make the traces).
    linkWorker = spawn(process.execPath, ['--import', 'tsx', join(REPO, 'linkly/link/src/index.ts')], {
      env: { ...process.env, III_URL: workerUrl, OTEL_ENABLED: 'true' },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    linkWorker.stdout?.on('data', (b: Buffer) => (linkOutput += b.toString()));
    linkWorker.stderr?.on('data', (b: Buffer) => (linkOutput += b.toString()));
    w = connectWorker({ workerUrl }, uniqueName('console-test'));
    await waitFor(
      async () => {
        const r = (await call('engine::registered-triggers::list')) as { registered_triggers: Array<{ function_id: string }> };
        return r.registered_triggers.some((t) => t.function_id === 'http::list_links');
      },
      { timeoutMs: 90_000, intervalMs: 200, what: `the link worker's routes (output: ${linkOutput.slice(-500)})` },
    );
    chromium = await launchChromium();
    page = chromium.context.pages()[0] ?? (await chromium.context.newPage());
  });

  after(async () => {
    await chromium?.close();
    await w?.shutdown();
    linkWorker?.kill('SIGTERM');
    await project?.stop();
    rmSync(dir, { recursive: true, force: true });
  });

  const shot = (name: string) => page.screenshot({ path: join(OUT, `console-${name}.png`), fullPage: false });

  it('functions: invoke link::create from the JSON editor, see the result, its trace, and the link in state', async () => {
    const code = uniqueName('c').replace(/-/g, '_').slice(0, 30);
    await page.goto(`${base}/functions/link::create`);
    await page.waitForSelector('text=Request schema', WAIT);
    assert.match((await page.textContent('pre.schema')) ?? '', /"url"/, 'the request schema is shown');
    await page.fill('textarea[name=payload]', JSON.stringify({ url: 'https://iii.dev/docs/console', code }));
    await page.click('button[name=invoke]');
    await page.waitForSelector('.result pre.json', WAIT);
    const result = JSON.parse((await page.textContent('.result pre.json')) ?? 'null') as { code: string; url: string };
    assert.equal(result.code, code);
    assert.equal(
      await call('state::get', { scope: 'links', key: code }).then((v) => (v as { url: string }).url),
      'https://iii.dev/docs/console',
    );

    // The action is logged: who/what/when in the engine log and as an engine log record.
    assert.ok(
      engineLog.some((l) => l.includes('console action: link::create by 127.0.0.1')),
      'engine log line',
    );
    const logs = (await call('engine::logs::list', { limit: 50 })) as {
      logs: Array<{ body: string; attributes: Record<string, unknown> }>;
    };
    const record = logs.logs.find((l) => l.body === 'console action: link::create');
    assert.ok(record, 'engine log record');
    assert.equal(record.attributes.function_id, 'link::create');
    assert.match(String(record.attributes.payload), new RegExp(code));

    // The trace the call produced: the link worker's span continues the console's traceparent.
    const traceHref = (await page.getAttribute('a.trace-link', 'href')) ?? '';
    assert.match(traceHref, /^\/traces\/[0-9a-f]{32}$/);
    await shot('functions');
    await page.click('a.trace-link');
    await page.waitForSelector('.wf span', WAIT);
    assert.match((await page.textContent('main')) ?? '', /link::create/);
    await shot('traces');

    // State: scope → key → value.
    await page.click('nav a[href="/state"]');
    await page.click('[data-column=scopes] a:text-is("links")');
    await page.click(`[data-column=keys] a:text-is("${code}")`);
    await page.waitForFunction(() =>
      (document.querySelector('textarea[name=value]') as HTMLTextAreaElement | null)?.value.includes('console'),
    );
    assert.deepEqual(JSON.parse(await page.inputValue('textarea[name=value]')), { url: 'https://iii.dev/docs/console' });
    await shot('state');
  });

  it('functions: a failing call shows the coded error', async () => {
    await page.goto(`${base}/functions/link::create`);
    await page.waitForSelector('textarea[name=payload]', WAIT);
    await page.fill('textarea[name=payload]', '{}');
    await page.click('button[name=invoke]');
    await page.waitForSelector('.invoke .error-box', WAIT);
    assert.match((await page.textContent('.invoke .error-box')) ?? '', /E_LINK_MISSING_URL/);
    await page.fill('textarea[name=payload]', '{ not json');
    await page.waitForSelector('text=not JSON');
    assert.equal(await page.isDisabled('button[name=invoke]'), true, 'invalid JSON cannot be sent');
  });

  it('state: edit a value, then delete it', async () => {
    const scope = uniqueName('scope');
    await call('state::set', { scope, key: 'k1', value: { n: 1 } });
    await page.goto(`${base}/state?scope=${scope}&key=k1`);
    await page.waitForFunction(
      () => (document.querySelector('textarea[name=value]') as HTMLTextAreaElement | null)?.value.includes('"n"'),
      WAIT,
    );
    await page.fill('textarea[name=value]', '{"n": 2, "edited": true}');
    await page.click('button[name=save]');
    await page.waitForSelector('text=saved k1', WAIT);
    assert.deepEqual(await call('state::get', { scope, key: 'k1' }), { n: 2, edited: true });
    await page.click('button[name=delete]');
    // An absent value comes back as no result at all.
    await waitFor(async () => ((await call('state::get', { scope, key: 'k1' })) ?? null) === null, { what: 'k1 deleted' });
    await page.waitForSelector(`[data-column=keys] a:text-is("k1")`, { state: 'detached', ...WAIT });
  });

  it('triggers: test an HTTP trigger, run a cron trigger now, publish to a topic', async () => {
    const tick = uniqueName('test::tick');
    const onTopic = uniqueName('test::on_topic');
    const topic = uniqueName('topic');
    let ticked: unknown;
    const published = new Promise<unknown>((resolve) => {
      w.registerFunction(onTopic, async (data: unknown) => {
        resolve(data);
        return null;
      });
    });
    w.registerFunction(tick, async (payload: unknown) => {
      ticked = payload;
      return { ran: true };
    });
    // Far in the future: only "Run now" fires it.
    const cron = w.registerTrigger({ type: 'cron', function_id: tick, config: { expression: '0 0 0 1 1 * 2099' } });
    const sub = w.registerTrigger({ type: 'subscribe', function_id: onTopic, config: { topic } });
    try {
      await page.goto(`${base}/triggers`);
      const linksRow = page.locator('tr', { hasText: 'http::list_links' });
      await linksRow.locator('button[name=open-http]').click(WAIT);
      await page.click('[data-action=http-test] button[name=send]');
      await page.waitForSelector('[data-action=http-test] .status', WAIT);
      assert.equal(await page.textContent('[data-action=http-test] .status'), '200');
      assert.match((await page.textContent('[data-action=http-test] .result')) ?? '', /"links"/);
      await shot('triggers');

      await page.locator('tr', { hasText: tick }).locator('button[name=open-cron]').click(WAIT);
      await page.click('[data-action=cron-run] button[name=run]');
      await page.waitForSelector('[data-action=cron-run] .result', WAIT);
      assert.deepEqual(JSON.parse((await page.textContent('[data-action=cron-run] .result pre')) ?? ''), { ran: true });
      assert.equal((ticked as { trigger: string }).trigger, 'cron');

      const publish = page.locator('[data-action=publish]').last();
      await publish.locator('input[name=topic]').fill(topic);
      await publish.locator('textarea[name=data]').fill('{"hello": "from the console"}');
      await publish.locator('button[name=publish]').click();
      assert.deepEqual(await published, { hello: 'from the console' });
    } finally {
      cron.unregister();
      sub.unregister();
    }
  });

  it('streams: the item view follows stream::set, update and delete live', async () => {
    const stream = uniqueName('stream');
    await call('stream::set', { stream_name: stream, group_id: 'g', item_id: 'a', data: { v: 1 } });
    await page.goto(`${base}/streams?stream=${stream}&group=g`);
    await page.waitForSelector('tr[data-item="a"]', WAIT);
    await page.waitForSelector('.live.live', WAIT);
    await call('stream::set', { stream_name: stream, group_id: 'g', item_id: 'b', data: { v: 'new' } });
    await page.waitForSelector('tr[data-item="b"]:has-text("new")', WAIT);
    await call('stream::set', { stream_name: stream, group_id: 'g', item_id: 'a', data: { v: 'changed' } });
    await page.waitForSelector('tr[data-item="a"]:has-text("changed")', WAIT);
    await shot('streams');
    await call('stream::delete', { stream_name: stream, group_id: 'g', item_id: 'b' });
    await page.waitForSelector('tr[data-item="b"]', { state: 'detached', ...WAIT });
  });

  it('queues: a dead-lettered job shows its error; redrive runs it', async () => {
    const fn = uniqueName('test::flaky');
    let failing = true;
    let done: (v: unknown) => void = () => {};
    const processed = new Promise((resolve) => {
      done = resolve;
    });
    w.registerFunction(fn, async (job: unknown) => {
      if (failing) throw new Error('E_TEST_FLAKY: the first run fails');
      done(job);
      return null;
    });
    await waitFor(() => project.engine.api.hasFunction(fn), { what: fn });
    await w.trigger({ function_id: fn, payload: { job: 7 }, action: TriggerAction.Enqueue({ queue: 'jobs' }) });
    await page.goto(`${base}/queues`);
    await page.waitForFunction(
      () => document.querySelector('tr[data-queue="jobs"] [data-count=dlq]')?.textContent === '1',
      undefined,
      WAIT,
    );
    await page.click('tr[data-queue="jobs"] a');
    const row = page.locator('tr[data-message]', { hasText: fn });
    await row.waitFor(WAIT);
    assert.match((await row.textContent()) ?? '', /E_TEST_FLAKY/);
    await shot('queues');
    failing = false;
    await row.locator('button[name=redrive]').click();
    assert.deepEqual(await processed, { job: 7 });
    await page.waitForSelector('text=no dead letters', WAIT);
  });

  it('configuration: edit config/queue.yaml from the page, applied live; an invalid value is refused', async () => {
    await page.goto(`${base}/config/queue`);
    await page.waitForSelector('textarea[name=config]', WAIT);
    // The editor holds YAML, keys sorted as in the file.
    const yamlText = await page.inputValue('textarea[name=config]');
    assert.match(yamlText, /^adapter:\n/);
    const current = parseYaml(yamlText) as { queue_configs: Record<string, unknown> };
    current.queue_configs['from-console'] = { max_retries: 2, concurrency: 1 };
    await page.fill('textarea[name=config]', stringifyYaml(current));
    await page.click('button[name=save]');
    await page.waitForSelector('text=saved and applied', WAIT);
    await waitFor(
      async () => ((await call('engine::queue::list_topics')) as Array<{ name: string }>).some((q) => q.name === 'from-console'),
      { what: 'the new queue live' },
    );
    const file = parseYaml(readFileSync(join(dir, 'config', 'queue.yaml'), 'utf8')) as {
      value: { queue_configs: Record<string, unknown> };
    };
    assert.ok(file.value.queue_configs['from-console'], 'written to config/queue.yaml');
    await shot('config');

    const before = readFileSync(join(dir, 'config', 'queue.yaml'), 'utf8');
    current.queue_configs['from-console'] = { max_retries: 'many' };
    await page.fill('textarea[name=config]', stringifyYaml(current));
    await page.click('button[name=save]');
    await page.waitForSelector('.error-box', WAIT);
    const text = (await page.textContent('.error-box')) ?? '';
    assert.match(text, /SCHEMA_INVALID/);
    assert.match(text, /max_retries/);
    assert.equal(readFileSync(join(dir, 'config', 'queue.yaml'), 'utf8'), before, 'nothing written');
  });

  it('traces: filter by function and status; logs: filter, and the live tail', async () => {
    await page.goto(`${base}/traces?function=link::create&status=ok`);
    await page.waitForSelector('tr.click', WAIT);
    assert.match((await page.textContent('tbody')) ?? '', /link::create/);
    await page.goto(`${base}/traces?function=${uniqueName('no-such-fn')}`);
    await page.waitForSelector('text=0 traces', WAIT);

    // The link worker's Logger records (Node SDK) carry only a severity number: the column still names the level.
    await page.goto(`${base}/logs?text=link+worker+ready`);
    const ready = await page.waitForSelector('tbody tr:has-text("link worker ready")', WAIT);
    assert.equal(await ready.$eval('td:nth-child(2)', (td) => td.textContent), 'INFO');
    await page.goto(`${base}/logs?text=console+action`);
    await page.waitForSelector('tbody tr:has-text("console action: link::create")', WAIT);
    await page.check('input[name=tail]');
    await page.waitForSelector('.live.live', WAIT);
    const message = uniqueName('console action tailed');
    await call('engine::log::info', { message, data: { from: 'the test' } });
    await page.waitForSelector(`text=${message}`, WAIT);
    await shot('logs');
    // Reads are not actions: the pages' listings left no action record.
    const { logs } = (await call('engine::logs::list', { limit: 1000 })) as { logs: Array<{ body: string }> };
    const actions = new Set(logs.map((l) => l.body).filter((b) => b.startsWith('console action: ')));
    for (const read of [
      'engine::functions::list',
      'state::list_entries',
      'stream::list_entries',
      'engine::queue::dlq_messages',
      'configuration::get',
    ])
      assert.ok(!actions.has(`console action: ${read}`), `${read} is not logged as an action`);
    for (const act of [
      'state::set',
      'state::delete',
      'cron::run',
      'publish',
      'iii::queue::redrive_message',
      'configuration::set',
      'http::request',
    ])
      assert.ok(actions.has(`console action: ${act}`), `${act} is logged as an action`);
  });

  it('dashboard and workers: counts, rates and queue depths', async () => {
    await page.goto(`${base}/dashboard`);
    await page.waitForFunction(() => Number(document.querySelector('[data-tile=workers] .value')?.textContent) >= 2, undefined, WAIT);
    await page.waitForSelector('td a:text-is("jobs")', WAIT);
    // A second sample gives a rate; invocations keep happening (the page's own polling calls count too).
    await page.waitForFunction(() => Number(document.querySelector('[data-tile=rate] .value')?.textContent) > 0, undefined, WAIT);
    await shot('dashboard');
    await page.click('nav a[href="/workers"]');
    await page.waitForSelector('main[data-page="workers"] td:text-is("link")', WAIT);
    await shot('workers');
  });
});
