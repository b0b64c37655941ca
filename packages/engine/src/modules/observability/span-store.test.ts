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
