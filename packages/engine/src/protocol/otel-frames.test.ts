import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { describe, it } from 'node:test';
import { anyValue, id, nanos, type OtelFrame, type ParsedOtelFrame, parseOtelFrame } from './otel-frames.ts';

/** Frames recorded from iii-sdk@0.22.1 + @iii-dev/helpers Logger (see test/fixtures/otel/README.md). */
const fixture = (name: string): Buffer => readFileSync(new URL(`../../../../test/fixtures/otel/${name}`, import.meta.url));
const frame = (prefix: string, body: unknown): Buffer => Buffer.from(prefix + (typeof body === 'string' ? body : JSON.stringify(body)));

function expectSignal<S extends OtelFrame['signal']>(parsed: ParsedOtelFrame, signal: S): Extract<OtelFrame, { signal: S }> {
  assert.ok(parsed.ok, parsed.ok ? '' : parsed.error.message);
  const f = parsed.frame;
  assert.equal(f.signal, signal);
  return f as Extract<OtelFrame, { signal: S }>;
}

describe('parseOtelFrame: recorded SDK frames', () => {
  it('OTLP: the execute span with exact nanos, hex ids, events and resource', () => {
    const f = expectSignal(parseOtelFrame(fixture('otlp-1.bin')), 'traces');
    assert.equal(f.dropped, 0);
    assert.equal(f.spans.length, 1);
    const span = f.spans[0]!;
    assert.equal(span.name, 'execute fixture::hello');
    assert.equal(span.traceId, '0af7651916cd43dd8448eb211c80319c');
    assert.equal(span.parentSpanId, 'b7ad6b7169203331');
    assert.equal(span.kind, 1);
    assert.equal(span.statusCode, 1);
    assert.equal(span.startTimeUnixNano, 1796002371438000000n);
    assert.equal(span.endTimeUnixNano, 1796002371439845546n);
    assert.deepEqual(span.attributes, [['a', 'b']]);
    assert.deepEqual(
      span.events.map((e) => e.name),
      ['iii.invocation.input', 'iii.invocation.output'],
    );
    assert.equal(span.events[0]!.timeUnixNano, 1796002371438564697n);
    assert.deepEqual(span.events[1]!.attributes, [
      ['iii.payload.json', '{"hi":"Ada"}'],
      ['iii.payload.truncated', false],
      ['iii.payload.ok', true],
    ]);
    assert.ok(span.resource.some(([k, v]) => k === 'service.name' && v === 'iii-node'));
    assert.deepEqual(span.scope, { name: 'iii-node', version: undefined });
  });

  it('LOGS: body, kvlist log.data (nested, arrays, empty value → null), no severityText', () => {
    const f = expectSignal(parseOtelFrame(fixture('logs-1.bin')), 'logs');
    const log = f.logs[0]!;
    assert.equal(log.body, 'inside hello');
    assert.equal(log.severityNumber, 9);
    assert.equal(log.severityText, undefined);
    assert.equal(log.traceId, '0af7651916cd43dd8448eb211c80319c');
    assert.equal(log.timeUnixNano, 1796002371439000000n);
    const data = Object.fromEntries(log.attributes)['log.data'];
    assert.deepEqual(data, { a: 1, nested: { b: [1, 'x', true], n: null }, f: 1.5 });
  });

  it('LOGS: a string log.data and a constructor-supplied service.name attribute', () => {
    const warn = expectSignal(parseOtelFrame(fixture('logs-2.bin')), 'logs').logs[0]!;
    assert.equal(Object.fromEntries(warn.attributes)['log.data'], 'plain-string');
    const err = expectSignal(parseOtelFrame(fixture('logs-3.bin')), 'logs').logs[0]!;
    assert.equal(err.severityNumber, 17);
    assert.equal(Object.fromEntries(err.attributes)['service.name'], 'custom-svc');
  });

  it('MTRC: worker gauges, one point per metric, with worker.id', () => {
    const f = expectSignal(parseOtelFrame(fixture('mtrc-1.bin')), 'metrics');
    const names = f.points.map((p) => p.metricName);
    assert.ok(names.includes('iii.worker.memory.heap_used'));
    assert.ok(names.includes('iii.worker.uptime_seconds'));
    const rss = f.points.find((p) => p.metricName === 'iii.worker.memory.rss')!;
    assert.equal(rss.kind, 'gauge');
    assert.equal(typeof rss.value, 'number');
    assert.equal(Object.fromEntries(rss.attributes)['worker.id'], '7c8d1f2e-1111-4222-8333-944455556666');
  });
});

describe('parseOtelFrame: malformed input is a coded error result, never a throw', () => {
  const cases: Array<[string, Buffer]> = [
    ['short frame', Buffer.from('OT')],
    ['unknown prefix', frame('XXXX', {})],
    ['bad JSON', frame('OTLP', '{nope')],
    ['JSON that is not an object', frame('LOGS', '[1,2]')],
    ['missing resource array', frame('MTRC', { resourceSpans: [] })],
  ];
  for (const [what, buf] of cases) {
    it(what, () => {
      const r = parseOtelFrame(buf);
      assert.ok(!r.ok && r.error.code === 'E_OTEL_BAD_FRAME');
    });
  }

  it('skips malformed records and counts them, keeps the good ones', () => {
    const good = { traceId: 'ab'.repeat(16), spanId: 'cd'.repeat(8), name: 'ok', startTimeUnixNano: 5, endTimeUnixNano: '7' };
    const body = {
      resourceSpans: [{ scopeSpans: [{ spans: [good, { name: 'no ids' }, 42, { traceId: '0'.repeat(32), spanId: 'cd'.repeat(8) }] }] }],
    };
    const f = expectSignal(parseOtelFrame(frame('OTLP', body)), 'traces');
    assert.equal(f.spans.length, 1);
    assert.equal(f.dropped, 3);
    assert.equal(f.spans[0]!.startTimeUnixNano, 5n);
    assert.equal(f.spans[0]!.endTimeUnixNano, 7n);
    assert.deepEqual(f.spans[0]!.resource, []);
  });
});

describe('value helpers', () => {
  it('anyValue covers every variant', () => {
    assert.equal(anyValue({ stringValue: 's' }), 's');
    assert.equal(anyValue({ boolValue: false }), false);
    assert.equal(anyValue({ intValue: '42' }), 42);
    assert.equal(anyValue({ intValue: 7 }), 7);
    assert.equal(anyValue({ doubleValue: 1.25 }), 1.25);
    assert.deepEqual(anyValue({ arrayValue: { values: [{ intValue: 1 }, {}] } }), [1, null]);
    assert.deepEqual(anyValue({ kvlistValue: { values: [{ key: 'k', value: { stringValue: 'v' } }] } }), { k: 'v' });
    assert.deepEqual(anyValue({ arrayValue: {} }), []);
    assert.equal(anyValue({ bytesValue: 'AAE=' }), 'AAE=');
    assert.equal(anyValue({}), null);
    assert.equal(anyValue('raw'), null);
  });

  it('nanos keeps u64 precision and tolerates junk', () => {
    assert.equal(nanos('18446744073709551615'), 18446744073709551615n);
    assert.equal(nanos(1_700_000_000_000), 1_700_000_000_000n);
    assert.equal(nanos('-1'), 0n);
    assert.equal(nanos(undefined), 0n);
  });

  it('id accepts hex (any case) and base64, drops zeros and wrong lengths', () => {
    assert.equal(id('ABCDEF0123456789', 8), 'abcdef0123456789');
    assert.equal(id(Buffer.from('0af7651916cd43dd8448eb211c80319c', 'hex').toString('base64'), 16), '0af7651916cd43dd8448eb211c80319c');
    assert.equal(id('0000000000000000', 8), undefined);
    assert.equal(id('abc', 8), undefined);
    assert.equal(id('', 8), undefined);
    assert.equal(id(12, 8), undefined);
  });
});
