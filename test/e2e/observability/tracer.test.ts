/** The `tracer` service other modules use for engine spans (HTTP request spans, `call <fn>` spans). */
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { startTestEngine, type TestEngine } from '../../helpers/engine.ts';
import { uniqueName } from '../../helpers/names.ts';
import { hex } from './frames.ts';
import { listSpans, treeOf } from './helpers.ts';

describe('observability: tracer service', () => {
  let engine: TestEngine;
  before(async () => {
    engine = await startTestEngine();
  });
  after(() => engine.stop());
  const tracer = () => engine.api.services.get('tracer')!;

  it('records a server span with attributes, events, status and exact ordering of nanos', async () => {
    const name = uniqueName('GET /s/:code');
    const span = tracer().startSpan(name, { kind: 'server', attributes: { 'http.method': 'GET', 'http.status_code': 302 } });
    assert.match(span.traceparent, /^00-[0-9a-f]{32}-[0-9a-f]{16}-01$/);
    span.addEvent('redirect', { to: 'https://iii.dev' });
    span.setAttribute('http.status_code', 404);
    span.setStatus('error', 'not found');
    span.end();
    span.end(); // idempotent
    const r = await listSpans(engine, { name });
    assert.equal(r.total, 1);
    const s = r.spans[0]!;
    assert.equal(s.service_name, 'iii');
    assert.equal(s.status, 'error');
    assert.deepEqual(s.attributes, [
      ['http.method', 'GET'],
      ['http.status_code', '404'],
    ]);
    assert.equal(s.events[0]!.name, 'redirect');
    assert.ok(s.end_time_unix_nano >= s.start_time_unix_nano);
  });

  it('call spans: only with caller trace context, never for observability functions, children of the caller', async () => {
    assert.equal(tracer().startCallSpan('state::get', {}), undefined);
    const parentTrace = hex(16);
    const parentSpan = hex(8);
    const traceparent = `00-${parentTrace}-${parentSpan}-01`;
    assert.equal(tracer().startCallSpan('engine::traces::list', { traceparent }), undefined);
    assert.equal(tracer().startCallSpan('engine::log::info', { traceparent }), undefined);
    const call = tracer().startCallSpan('state::get', { traceparent, baggage: 'tenant=acme' });
    assert.ok(call);
    call.setStatus('ok');
    call.end();
    const [root] = await treeOf(engine, parentTrace);
    assert.equal(root!.name, 'call state::get');
    assert.equal(root!.parent_span_id, parentSpan);
    assert.ok(root!.attributes.some(([k, v]) => k === 'tenant' && v === 'acme'));
    assert.ok(root!.attributes.some(([k, v]) => k === 'function_id' && v === 'state::get'));
    // engine::* call spans (e.g. engine::functions::list) are internal: hidden from listings by default
    const internal = tracer().startCallSpan('engine::functions::list', { traceparent: `00-${hex(16)}-${hex(8)}-01` })!;
    internal.end();
    assert.equal((await listSpans(engine, { trace_id: internal.traceId })).total, 0);
    assert.equal((await listSpans(engine, { trace_id: internal.traceId, include_internal: true })).total, 1);
  });

  it('follows an unsampled parent (flags 00): nothing is stored, context still propagates', async () => {
    const traceId = hex(16);
    const span = tracer().startSpan('unsampled', { parent: `00-${traceId}-${hex(8)}-00` });
    assert.equal(span.sampled, false);
    assert.equal(span.traceId, traceId);
    assert.match(span.traceparent, /-00$/);
    span.end();
    assert.deepEqual(await treeOf(engine, traceId), []);
  });

  it('malformed parents start a new trace', () => {
    const span = tracer().startSpan('fresh', { parent: 'garbage' });
    assert.match(span.traceId, /^[0-9a-f]{32}$/);
    span.end();
  });

  it('call span attributes: function ids, then baggage (a baggage entry named like one replaces it in place), on every call', async () => {
    const fn = uniqueName('state::get');
    const baggage = 'tenant=acme%20corp;prop=1, iii.function.id=overridden ,empty';
    const traceIds = [hex(16), hex(16)];
    // The same baggage twice: the second call reads the first one's parsed entries.
    for (const traceId of traceIds)
      tracer()
        .startCallSpan(fn, { traceparent: `00-${traceId}-${hex(8)}-01`, baggage })!
        .end();
    for (const traceId of traceIds) {
      const [root] = await treeOf(engine, traceId);
      assert.deepEqual(root!.attributes, [
        ['function_id', fn],
        ['iii.function.id', 'overridden'],
        ['tenant', 'acme corp'],
      ]);
    }
  });

  it('parents sent upper-case or padded are normalised; all-zero ids and version ff are not parents', () => {
    const traceId = hex(16);
    const spanId = hex(8);
    const padded = tracer().startSpan('normalised', { parent: `  00-${traceId.toUpperCase()}-${spanId.toUpperCase()}-01 ` });
    assert.equal(padded.traceId, traceId);
    padded.end();
    for (const parent of [`00-${'0'.repeat(32)}-${spanId}-01`, `00-${traceId}-${'0'.repeat(16)}-01`, `ff-${traceId}-${spanId}-01`]) {
      const span = tracer().startSpan('not a parent', { parent });
      assert.notEqual(span.traceId, traceId, parent);
      assert.equal(tracer().startCallSpan('state::get', { traceparent: parent }), undefined, parent);
      span.end();
    }
  });
});
