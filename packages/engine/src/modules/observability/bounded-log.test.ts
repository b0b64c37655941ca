import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { BoundedLog } from './bounded-log.ts';
import type { SpanRecord } from './records.ts';
import { SpanStore } from './span-store.ts';

describe('BoundedLog', () => {
  it('keeps the newest maxCount items', () => {
    const log = new BoundedLog<number>(3, 60_000);
    for (let i = 0; i < 5000; i++) log.push(i);
    assert.deepEqual(log.items(), [4997, 4998, 4999]);
    assert.equal(log.size, 3);
  });

  it('drops items older than the retention window (injected clock)', () => {
    let now = 1000;
    const log = new BoundedLog<string>(10, 500, () => now);
    log.push('old');
    now = 1400;
    log.push('new');
    now = 1600;
    assert.deepEqual(log.items(), ['new']);
    log.setLimits(10, 100);
    assert.deepEqual(log.items(), []);
  });
});

describe('SpanStore', () => {
  const span = (traceId: string, spanId: string): SpanRecord => ({
    traceId,
    spanId,
    parentSpanId: null,
    name: spanId,
    kind: 1,
    start: 1n,
    end: 2n,
    status: 'unset',
    attributes: [],
    serviceName: 's',
    events: [],
    links: [],
  });

  it('evicts the oldest span first and forgets empty traces', () => {
    const store = new SpanStore(2);
    store.add(span('t1', 'a'));
    store.add(span('t2', 'b'));
    store.add(span('t2', 'c'));
    assert.equal(store.hasTrace('t1'), false);
    assert.deepEqual(
      store.trace('t2').map((s) => s.spanId),
      ['b', 'c'],
    );
  });

  it('replaces a span with the same ids (pending → ended) without growing', () => {
    const store = new SpanStore(10);
    store.add({ ...span('t', 'a'), pending: true, end: 0n });
    store.add(span('t', 'a'));
    assert.equal(store.size, 1);
    assert.equal(store.trace('t')[0]!.pending, undefined);
  });
});

describe('SpanStore roots cache', () => {
  const span = (spanId: string, parent: string | null): SpanRecord => ({
    traceId: 't',
    spanId,
    parentSpanId: parent,
    name: spanId,
    kind: 1,
    start: 1n,
    end: 2n,
    status: 'unset',
    attributes: [],
    serviceName: 's',
    events: [],
    links: [],
  });

  it('recomputes roots when a trace gains or loses spans', () => {
    const store = new SpanStore(2);
    store.add(span('child', 'root'));
    assert.deepEqual(
      store.roots('t').map((s) => s.spanId),
      ['child'],
    ); // dangling parent → root
    store.add(span('root', null));
    assert.deepEqual(
      store.roots('t').map((s) => s.spanId),
      ['root'],
    );
    store.add({ ...span('other', null), traceId: 'u' }); // evicts 'child' (oldest)
    assert.deepEqual(
      store.roots('t').map((s) => s.spanId),
      ['root'],
    );
    assert.deepEqual(store.roots('missing'), []);
  });
});
