import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { SpanRecord } from './records.ts';
import { SpanStore } from './span-store.ts';

function span(traceId: string, spanId: string, parentSpanId: string | null = null): SpanRecord {
  return {
    traceId,
    spanId,
    parentSpanId,
    name: `s-${spanId}`,
    kind: 1,
    start: 1n,
    end: 2n,
    status: 'ok',
    attributes: [],
    serviceName: 'svc',
    events: [],
    links: [],
  };
}

describe('SpanStore', () => {
  it('evicts the oldest spans first and drops emptied traces', () => {
    const store = new SpanStore(3);
    store.add(span('t1', 'a'));
    store.add(span('t1', 'b', 'a'));
    store.add(span('t2', 'c'));
    store.add(span('t2', 'd', 'c'));
    assert.equal(store.size, 3);
    assert.deepEqual(
      store.trace('t1').map((s) => s.spanId),
      ['b'],
    );
    // b's parent is gone, so b is a root now
    assert.deepEqual(
      store.roots('t1').map((s) => s.spanId),
      ['b'],
    );
    store.add(span('t3', 'e'));
    assert.equal(store.hasTrace('t1'), false);
  });

  it('replacing a span keeps its first-insertion position, and eviction stays correct over many rounds', () => {
    const store = new SpanStore(100);
    for (let i = 0; i < 50_000; i++) {
      store.add(span(`t${i}`, 's'));
      if (i % 7 === 0) store.add({ ...span(`t${i}`, 's'), name: 'replaced' });
    }
    assert.equal(store.size, 100);
    assert.deepEqual([...store.traceIds()][0], 't49900');
    assert.equal(store.trace('t49994')[0]?.name, 'replaced');
    store.clear();
    store.add(span('x', 'y'));
    assert.equal(store.size, 1);
  });
});

describe('SpanStore (more)', () => {
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
  it('recomputes roots when a trace gains or loses spans', () => {
    const store = new SpanStore(2);
    store.add(span('t', 'child', 'root'));
    assert.deepEqual(
      store.roots('t').map((s) => s.spanId),
      ['child'],
    ); // dangling parent → root
    store.add(span('t', 'root'));
    assert.deepEqual(
      store.roots('t').map((s) => s.spanId),
      ['root'],
    );
    store.add(span('u', 'other')); // evicts 'child' (oldest)
    assert.deepEqual(
      store.roots('t').map((s) => s.spanId),
      ['root'],
    );
    assert.deepEqual(store.roots('missing'), []);
  });
});
