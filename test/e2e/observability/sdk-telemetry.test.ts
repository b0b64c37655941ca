/**
 * iii-observability end to end with a real iii-sdk worker whose OTel pipeline is ON:
 * SDK spans, Logger records and worker gauges travel over `/otel` and land in the stores.
 *
 * OTel is process-global in the SDK, so the suite shares one OTel-enabled worker (with its own
 * service name) and gives every test unique function ids.
 */
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { Logger } from '@iii-dev/helpers/observability';
import type { IIIClient } from 'iii-sdk';
import { connectWorker, startTestEngine, type TestEngine, waitForFunction } from '../../helpers/engine.ts';
import { uniqueName } from '../../helpers/names.ts';
import { deferred, waitFor } from '../../helpers/wait.ts';
import { type LogJson, listLogs, listSpans, type SpanJson, treeOf, waitForTrigger } from './helpers.ts';

describe('observability: telemetry from a real iii-sdk worker', () => {
  let engine: TestEngine;
  let worker: IIIClient;
  const service = uniqueName('svc');
  const workerName = uniqueName('otel-worker');

  before(async () => {
    engine = await startTestEngine();
    worker = connectWorker(engine, workerName, {
      otel: { enabled: true, serviceName: service, metricsExportIntervalMs: 200, fetchInstrumentationEnabled: false },
      enableMetricsReporting: true,
    });
  });
  after(async () => {
    await worker.shutdown();
    await engine.stop();
  });

  it("a handler's execute span is listed, and sits under its caller in the tree", async () => {
    const ns = uniqueName('tr');
    worker.registerFunction(`${ns}::inner`, async (d: { n: number }) => ({ n: d.n + 1 }));
    worker.registerFunction(`${ns}::outer`, async (d: { n: number }) => worker.trigger({ function_id: `${ns}::inner`, payload: d }));
    await waitForFunction(engine, `${ns}::outer`);
    assert.deepEqual(await engine.api.invoke(`${ns}::outer`, { n: 1 }), { n: 2 });

    const listed = await waitFor(async () => (await listSpans(engine, { name: `execute ${ns}::outer` })).spans[0], { what: 'outer span' });
    assert.equal(listed.service_name, service);
    assert.equal(listed.parent_span_id, null);
    assert.match(listed.trace_id, /^[0-9a-f]{32}$/);
    assert.ok(listed.end_time_unix_nano >= listed.start_time_unix_nano && listed.start_time_unix_nano > 1.6e18);
    assert.equal(listed.status, 'ok');
    assert.ok(listed.events.some((e) => e.name === 'iii.invocation.input'));
    // inner spans are not roots, so a name filter on them finds nothing without search_all_spans
    assert.equal((await listSpans(engine, { name: `execute ${ns}::inner` })).total, 0);

    const roots = await waitFor(
      async () => {
        const r = await treeOf(engine, listed.trace_id);
        return r[0]?.children?.length ? r : undefined;
      },
      { what: 'inner span in the tree' },
    );
    assert.equal(roots.length, 1);
    assert.equal(roots[0]!.name, `execute ${ns}::outer`);
    const child = roots[0]!.children![0]!;
    assert.equal(child.name, `execute ${ns}::inner`);
    assert.equal(child.trace_id, listed.trace_id);
    const viaAll = await listSpans(engine, { name: `execute ${ns}::inner`, search_all_spans: true });
    assert.equal(viaAll.spans[0]?.span_id, listed.span_id);
  });

  it('an engine span passed as traceparent becomes the root of the SDK spans (GET /s/:code shape)', async () => {
    const ns = uniqueName('http');
    worker.registerFunction(`${ns}::redirect`, async () => ({ status_code: 302 }));
    await waitForFunction(engine, `${ns}::redirect`);
    const tracer = engine.api.services.get('tracer');
    assert.ok(tracer, 'tracer service provided');
    const root = tracer.startSpan(`GET /${ns}/:code`, { kind: 'server', attributes: { 'http.method': 'GET' } });
    await engine.api.invoke(`${ns}::redirect`, {}, { traceparent: root.traceparent });
    root.setStatus('ok');
    root.end();
    const tree = await waitFor(
      async () => {
        const r = await treeOf(engine, root.traceId);
        return r[0]?.children?.length ? r : undefined;
      },
      { what: 'sdk span under the engine span' },
    );
    assert.equal(tree[0]!.name, `GET /${ns}/:code`);
    assert.equal(tree[0]!.service_name, 'iii');
    assert.equal(tree[0]!.children![0]!.name, `execute ${ns}::redirect`);
    assert.equal(tree[0]!.children![0]!.service_name, service);
  });

  it('Logger lines arrive with body, log.data, trace id and service name', async () => {
    const ns = uniqueName('log');
    worker.registerFunction(`${ns}::resolve`, async (d: { code: string }) => {
      new Logger().info(`link resolved ${ns}`, { code: d.code, found: true });
      return { ok: true };
    });
    await waitForFunction(engine, `${ns}::resolve`);
    await engine.api.invoke(`${ns}::resolve`, { code: 'iii' });
    const log = await waitFor(async () => (await listLogs(engine)).find((l) => l.body === `link resolved ${ns}`), { what: 'logger line' });
    assert.deepEqual(log.attributes['log.data'], { code: 'iii', found: true });
    assert.equal(log.service_name, service);
    assert.equal(log.severity_number, 9);
    assert.equal(log.severity_text, '');
    assert.match(log.trace_id ?? '', /^[0-9a-f]{32}$/);
    // the log belongs to the handler's trace
    const span = await waitFor(async () => (await listSpans(engine, { name: `execute ${ns}::resolve` })).spans[0], { what: 'span' });
    assert.equal(log.trace_id, span.trace_id);
    assert.equal((await listLogs(engine, { trace_id: span.trace_id })).length, 1);
  });

  it('log triggers fire for Logger lines (level all and derived level) and engine::log::* calls', async () => {
    const ns = uniqueName('logtrig');
    const all: LogJson[] = [];
    const allDone = deferred<void>(10_000, 'log trigger level all');
    const warnOnly = deferred<LogJson>(10_000, 'log trigger level warn');
    worker.registerFunction(`${ns}::all`, async (l: LogJson) => {
      if (l.body.includes(ns)) all.push(l);
      if (all.length === 2) allDone.resolve();
    });
    worker.registerFunction(`${ns}::warn`, async (l: LogJson) => {
      if (l.body.includes(ns)) warnOnly.resolve(l);
    });
    worker.registerFunction(`${ns}::emit`, async () => new Logger().warn(`sdk warn ${ns}`, { n: 1 }));
    worker.registerTrigger({ type: 'log', function_id: `${ns}::all`, config: { level: 'all' } });
    worker.registerTrigger({ type: 'log', function_id: `${ns}::warn`, config: { level: 'warn' }, metadata: { m: 1 } });
    await waitForTrigger(engine, `${ns}::all`);
    await waitForTrigger(engine, `${ns}::warn`);
    await waitForFunction(engine, `${ns}::emit`);

    await engine.api.invoke('engine::log::info', { message: `engine info ${ns}`, data: { k: 'v' } });
    await engine.api.invoke(`${ns}::emit`, {});
    await allDone.promise;
    assert.deepEqual(all.map((l) => l.body).sort(), [`engine info ${ns}`, `sdk warn ${ns}`]);
    const info = all.find((l) => l.body.startsWith('engine info'))!;
    assert.equal(info.severity_text, 'INFO');
    assert.deepEqual(info.attributes, { k: 'v' });
    const w = await warnOnly.promise;
    assert.equal(w.body, `sdk warn ${ns}`);
    assert.equal(w.severity_number, 13);
  });

  it('trace triggers deliver the ids of traces that changed', async () => {
    const ns = uniqueName('tracetrig');
    const got = deferred<string[]>(10_000, 'trace trigger');
    const target = `${ns}::work`;
    worker.registerFunction(target, async () => ({ done: true }));
    worker.registerFunction(`${ns}::on-trace`, async (p: { trace_ids: string[] }) => {
      const spans = await Promise.all(p.trace_ids.map((id) => listSpans(engine, { trace_id: id })));
      if (spans.some((r) => r.spans.some((sp) => sp.name === `execute ${target}`))) got.resolve(p.trace_ids);
    });
    worker.registerTrigger({ type: 'trace', function_id: `${ns}::on-trace`, config: { service_name: service } });
    await waitForTrigger(engine, `${ns}::on-trace`);
    await waitForFunction(engine, target);
    await engine.api.invoke(target, {});
    const ids = await got.promise;
    assert.ok(ids.every((id) => /^[0-9a-f]{32}$/.test(id)));
  });

  it('worker gauges become the latest_metrics of that worker', async () => {
    const workers = (await engine.api.invoke('engine::workers::list', {})) as { workers: Array<{ name: string; id: string }> };
    const id = workers.workers.find((w) => w.name === workerName)?.id;
    assert.ok(id, 'worker listed');
    const telemetry = engine.api.services.get('telemetry');
    assert.ok(telemetry);
    const m = await waitFor(() => telemetry.latestWorkerMetrics(id), { what: 'worker gauges' });
    assert.equal(m.runtime, 'node');
    assert.ok((m.memory_rss ?? 0) > 0);
    assert.ok(m.timestamp_ms > 0);
    const listed = (await engine.api.invoke('engine::metrics::list', { metric_name: 'iii.worker.memory.rss' })) as {
      sdk_metrics: Array<{ name: string; attributes: Record<string, unknown> }>;
    };
    assert.ok(listed.sdk_metrics.some((p) => p.attributes['worker.id'] === id));
  });
});

export type { SpanJson };
