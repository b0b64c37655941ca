/**
 * Query semantics of engine::traces::* / engine::logs::* / engine::metrics::list and friends, on
 * spans and logs ingested through the real telemetry service (frames built like the SDK's).
 */
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { startTestEngine, type TestEngine } from '../../helpers/engine.ts';
import { uniqueName } from '../../helpers/names.ts';
import { hex, spansFrame } from './frames.ts';
import { listLogs, listSpans, treeOf } from './helpers.ts';

const T0 = 1_796_000_000_000_000_000n; // epoch ns (u64, beyond 2^53)
const MS = 1_000_000n;

describe('observability: trace queries', () => {
  let engine: TestEngine;
  const service = uniqueName('q');
  const [a, b, c, d] = [hex(16), hex(16), hex(16), hex(16)];
  const rootB = hex(8);

  before(async () => {
    engine = await startTestEngine();
    const ingest = (buf: Buffer): void => {
      const r = engine.api.services.get('telemetry')!.ingestFrame(buf, {});
      assert.ok(r.ok, JSON.stringify(r));
    };
    ingest(
      spansFrame(service, [
        { traceId: a, name: 'GET /s/:code', start: T0, durationMs: 30, attributes: { 'iii.tag.tenant': 'acme', route: '/s' } },
        { traceId: b, spanId: rootB, name: 'POST /links', start: T0 + 10n * MS, durationMs: 5, status: 2, attributes: { route: '/links' } },
        {
          traceId: b,
          parentSpanId: rootB,
          name: 'execute link::create',
          start: T0 + 11n * MS,
          durationMs: 2,
          attributes: { 'iii.session.id': 's1' },
        },
        // parent not in the store → a root of its own trace
        { traceId: c, parentSpanId: hex(8), name: 'execute orphan', start: T0 + 20n * MS, durationMs: 50, attributes: { route: '/s' } },
        {
          traceId: d,
          name: 'call engine::functions::list',
          start: T0 + 30n * MS,
          durationMs: 1,
          attributes: { function_id: 'engine::functions::list' },
        },
      ]),
    );
  });
  after(() => engine.stop());

  const names = (r: { spans: Array<{ name: string }> }): string[] => r.spans.map((s) => s.name);

  it('lists root spans only, newest first by default (asc on request), hiding internal spans unless asked', async () => {
    const r = await listSpans(engine, { service_name: service.toUpperCase() });
    assert.deepEqual(names(r), ['execute orphan', 'POST /links', 'GET /s/:code']);
    assert.equal(r.total, 3);
    // limit=1 is the most recent trace (the reference would give the oldest).
    assert.deepEqual(names(await listSpans(engine, { service_name: service, limit: 1 })), ['execute orphan']);
    const asc = await listSpans(engine, { service_name: service, sort_order: 'asc' });
    assert.deepEqual(names(asc), ['GET /s/:code', 'POST /links', 'execute orphan']);
    const all = await listSpans(engine, { service_name: service, include_internal: true });
    assert.equal(all.total, 4);
    // exact u64 values survive as the nearest doubles
    assert.equal(asc.spans[0]!.start_time_unix_nano, Number(T0));
  });

  it('sorts by duration_ms desc, pages with offset/limit, filters by name, status and duration', async () => {
    const r = await listSpans(engine, { service_name: service, sort_by: 'duration_ms', sort_order: 'desc', limit: 2 });
    assert.deepEqual(names(r), ['execute orphan', 'GET /s/:code']);
    assert.equal(r.total, 3);
    const page2 = await listSpans(engine, { service_name: service, sort_by: 'duration', sort_order: 'desc', offset: 2, limit: 2 });
    assert.deepEqual(names(page2), ['POST /links']);
    assert.deepEqual(names(await listSpans(engine, { service_name: service, sort_by: 'name' })), [
      'GET /s/:code',
      'POST /links',
      'execute orphan',
    ]);
    assert.deepEqual(names(await listSpans(engine, { service_name: service, name: 'get /S/' })), ['GET /s/:code']);
    assert.deepEqual(names(await listSpans(engine, { service_name: service, status: 'err' })), ['POST /links']);
    assert.deepEqual(names(await listSpans(engine, { service_name: service, min_duration_ms: 10, max_duration_ms: 40 })), ['GET /s/:code']);
    // unknown sort keys fall back to start_time (newest first)
    assert.deepEqual(names(await listSpans(engine, { service_name: service, sort_by: 'bogus', limit: 1 })), ['execute orphan']);
  });

  it('filters by attributes (AND), exclude_attributes (OR), time overlap and trace ids', async () => {
    const q = { service_name: service };
    assert.deepEqual(names(await listSpans(engine, { ...q, attributes: [['route', '/s']] })), ['execute orphan', 'GET /s/:code']);
    assert.deepEqual(names(await listSpans(engine, { ...q, exclude_attributes: [['route', '/s']] })), ['POST /links']);
    assert.deepEqual(names(await listSpans(engine, { ...q, attributes: [['iii.session.id', 's1']] })), []);
    assert.deepEqual(names(await listSpans(engine, { ...q, attributes: [['iii.session.id', 's1']], search_all_spans: true })), [
      'POST /links',
    ]);
    const startMs = Number((T0 + 40n * MS) / MS);
    assert.deepEqual(names(await listSpans(engine, { ...q, start_time: startMs })), ['execute orphan']);
    assert.deepEqual(names(await listSpans(engine, { ...q, end_time: Number(T0 / MS) + 5 })), ['GET /s/:code']);
    assert.deepEqual(names(await listSpans(engine, { trace_ids: [b, c] })), ['execute orphan', 'POST /links']);
    assert.deepEqual(names(await listSpans(engine, { trace_id: a })), ['GET /s/:code']);
  });

  it('carries trace_tags merged from the whole trace', async () => {
    const r = await listSpans(engine, { service_name: service, sort_order: 'asc' });
    assert.deepEqual(r.spans[0]!.trace_tags, { 'iii.tag.tenant': 'acme' });
    assert.deepEqual(r.spans[1]!.trace_tags, { 'iii.session.id': 's1' });
    assert.equal(r.spans[2]!.trace_tags, undefined);
  });

  it('builds trees with children; unknown traces give no roots', async () => {
    const roots = await treeOf(engine, b);
    assert.equal(roots.length, 1);
    assert.equal(roots[0]!.name, 'POST /links');
    assert.deepEqual(
      roots[0]!.children!.map((x) => x.name),
      ['execute link::create'],
    );
    assert.deepEqual(roots[0]!.children![0]!.children, []);
    assert.deepEqual(await treeOf(engine, hex(16)), []);
    const orphan = await treeOf(engine, c);
    assert.equal(orphan[0]!.name, 'execute orphan');
  });

  it('groups spans by an attribute', async () => {
    const r = (await engine.api.invoke('engine::traces::group_by', { attribute: 'route', label_attribute: 'route' })) as {
      groups: Array<{ value: string; label: string; trace_ids: string[]; span_count: number; error_count: number; duration_ms: number }>;
    };
    const s = r.groups.find((g) => g.value === '/s')!;
    assert.deepEqual(s.trace_ids.sort(), [a, c].sort());
    assert.equal(s.span_count, 2);
    assert.equal(s.duration_ms, 80);
    assert.equal(s.label, '/s');
    assert.equal(r.groups.find((g) => g.value === '/links')!.error_count, 1);
  });

  it('rejects bad input with deserialization_error', async () => {
    await assert.rejects(engine.api.invoke('engine::traces::tree', {}), { code: 'deserialization_error' });
    await assert.rejects(engine.api.invoke('engine::traces::list', { limit: 'ten' }), { code: 'deserialization_error' });
    await assert.rejects(engine.api.invoke('engine::traces::list', { attributes: [['only-key']] }), { code: 'deserialization_error' });
    await assert.rejects(engine.api.invoke('engine::log::info', { data: {} }), { code: 'deserialization_error' });
  });

  it('clears the store', async () => {
    const other = await startTestEngine();
    try {
      other.api.services.get('telemetry')!.ingestFrame(spansFrame('x', [{ traceId: hex(16), name: 'n', start: T0, durationMs: 1 }]), {});
      assert.equal((await listSpans(other, {})).total, 1);
      assert.deepEqual(await other.api.invoke('engine::traces::clear', {}), { success: true });
      assert.equal((await listSpans(other, {})).total, 0);
    } finally {
      await other.stop();
    }
  });
});

describe('observability: logs, config and the other functions', () => {
  it('engine::log::* and logs::list filters, newest first, bounded by logs_max_count', async () => {
    const engine = await startTestEngine({
      workers: [{ name: 'iii-observability', config: { logs_max_count: 4, logs_console_output: false } }],
    });
    try {
      const tid = hex(16);
      for (const [lvl, i] of [
        ['debug', 1],
        ['info', 2],
        ['warn', 3],
        ['error', 4],
        ['trace', 5],
      ] as const)
        await engine.api.invoke(`engine::log::${lvl}`, { message: `m${i}`, ...(i === 4 ? { trace_id: tid, service_name: 'svc-x' } : {}) });
      const all = await listLogs(engine);
      assert.deepEqual(
        all.map((l) => l.body),
        ['m5', 'm4', 'm3', 'm2'],
      );
      assert.deepEqual(
        (await listLogs(engine, { severity_min: 13 })).map((l) => l.body),
        ['m4', 'm3'],
      );
      assert.deepEqual(
        (await listLogs(engine, { severity_text: 'warn' })).map((l) => l.severity_number),
        [13],
      );
      const byTrace = await listLogs(engine, { trace_id: tid });
      assert.equal(byTrace[0]!.service_name, 'svc-x');
      assert.deepEqual(
        (await listLogs(engine, { offset: 1, limit: 2 })).map((l) => l.body),
        ['m4', 'm3'],
      );
      const r = (await engine.api.invoke('engine::logs::list', { limit: 1 })) as { total: number; query: Record<string, unknown> };
      assert.equal(r.total, 4);
      assert.equal(r.query.limit, 1);
      assert.equal(r.query.trace_id, null);
      assert.deepEqual(await listLogs(engine, { start_time: Date.now() + 60_000 }), []);
      assert.equal(((await engine.api.invoke('engine::logs::clear', {})) as { success: boolean }).success, true);
      assert.deepEqual(await listLogs(engine), []);
    } finally {
      await engine.stop();
    }
  });

  it('exporter otlp: traces functions fail with memory_exporter_not_enabled; logs disabled list empty', async () => {
    const engine = await startTestEngine({ workers: [{ name: 'iii-observability', config: { exporter: 'otlp', logs_enabled: false } }] });
    try {
      await assert.rejects(engine.api.invoke('engine::traces::list', {}), { code: 'memory_exporter_not_enabled' });
      await assert.rejects(engine.api.invoke('engine::traces::tree', { trace_id: hex(16) }), { code: 'memory_exporter_not_enabled' });
      await engine.api.invoke('engine::log::info', { message: 'dropped' });
      const r = (await engine.api.invoke('engine::logs::list', {})) as Record<string, unknown>;
      assert.deepEqual(r.logs, []);
      assert.equal(r.query, undefined);
      const h = (await engine.api.invoke('engine::health::check', {})) as { components: Record<string, { status: string }> };
      assert.equal(h.components.spans!.status, 'disabled');
      assert.equal(h.components.logs!.status, 'disabled');
    } finally {
      await engine.stop();
    }
  });

  it('health, sampling rules, baggage, metrics', async () => {
    const engine = await startTestEngine({
      workers: [{ name: 'iii-observability', config: { sampling_ratio: 0.5, sampling: { rules: [{ operation: 'GET', rate: 1 }] } } }],
    });
    try {
      const h = (await engine.api.invoke('engine::health::check', {})) as {
        status: string;
        version: string;
        components: Record<string, unknown>;
      };
      assert.equal(h.status, 'healthy');
      assert.deepEqual(Object.keys(h.components).sort(), ['logs', 'metrics', 'otel', 'spans']);
      const rules = (await engine.api.invoke('engine::sampling::rules', {})) as {
        traces: Record<string, unknown>;
        logs: Record<string, unknown>;
      };
      assert.deepEqual(rules.traces, { default_ratio: 0.5, rules: [{ operation: 'GET', service: null, rate: 1 }], parent_based: true });
      assert.deepEqual(rules.logs, { sampling_ratio: 1 });
      assert.deepEqual(await engine.api.invoke('engine::baggage::get_all', {}, { baggage: 'a=b,user=ada%20l' }), {
        baggage: { a: 'b', user: 'ada l' },
      });
      assert.deepEqual(await engine.api.invoke('engine::baggage::get', { key: 'nope' }), { value: null });
      assert.equal(((await engine.api.invoke('engine::baggage::set', { key: 'k', value: 'v' })) as { success: boolean }).success, true);
      const telemetry = engine.api.services.get('telemetry')!;
      telemetry.recordInvocation('f::a', 'success', 4);
      telemetry.recordInvocation('f::a', 'error', 8);
      const m = (await engine.api.invoke('engine::metrics::list', {})) as {
        engine_metrics: Record<string, Record<string, unknown>>;
        sdk_metrics: unknown[];
      };
      const inv = m.engine_metrics.invocations as {
        error: number;
        deferred: number;
        by_function: Record<string, { total: number; success: number; error: number }>;
      };
      // recorded by hand here, and by the router for every real call (e.g. the baggage calls above)
      assert.deepEqual(inv.by_function['f::a'], { total: 2, success: 1, error: 1 });
      assert.deepEqual(inv.by_function['engine::baggage::set'], { total: 1, success: 1, error: 0 });
      assert.equal(inv.error, 1);
      assert.equal(inv.deferred, 0);
      assert.ok((m.engine_metrics.performance!.max_duration_ms as number) >= 8);
      assert.deepEqual(m.sdk_metrics, []);
    } finally {
      await engine.stop();
    }
  });
});
