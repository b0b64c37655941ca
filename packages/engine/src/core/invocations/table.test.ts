import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { type Completion, InvocationTable } from './table.ts';

describe('InvocationTable', () => {
  it('settles each entry once and ignores late results', () => {
    const t = new InvocationTable();
    const got: Completion[] = [];
    t.add({ id: 'a', functionId: 'f', target: 'w1', caller: 'w2', settle: (c) => got.push(c) });
    assert.equal(t.complete('a', { result: 1 }), true);
    assert.equal(t.complete('a', { result: 2 }), false);
    assert.deepEqual(got, [{ result: 1 }]);
    assert.equal(t.size, 0);
  });

  it('stops every call a vanished worker was executing and forgets the ones it issued', () => {
    const t = new InvocationTable();
    const got: Array<[string, Completion]> = [];
    t.add({ id: 'x1', functionId: 'f', target: 'dead', caller: 'c', settle: (c) => got.push(['x1', c]) });
    t.add({ id: 'x2', functionId: 'f', target: 'dead', caller: undefined, settle: (c) => got.push(['x2', c]) });
    t.add({ id: 'y1', functionId: 'g', target: 'alive', caller: 'dead', settle: (c) => got.push(['y1', c]) });
    assert.equal(t.activeFor('dead'), 2);
    assert.equal(t.dropPeer('dead'), 2);
    assert.deepEqual(
      got.map(([id, c]) => [id, c.error?.code]),
      [
        ['x1', 'invocation_stopped'],
        ['x2', 'invocation_stopped'],
      ],
    );
    assert.equal(t.complete('y1', { result: 'late' }), false, 'the target result for a vanished caller is discarded');
    assert.equal(t.size, 0);
  });

  it('rejects on a per-entry timeout', async () => {
    const t = new InvocationTable();
    // the table's timers are unref'd (they must not keep an engine alive); hold the loop open meanwhile
    const keepAlive = setTimeout(() => undefined, 10_000);
    try {
      const c = await new Promise<Completion>((resolve) =>
        t.add({ id: 't', functionId: 'f', target: 'w', caller: undefined, settle: resolve }, 5),
      );
      assert.equal(c.error?.code, 'E_INVOKE_TIMEOUT');
    } finally {
      clearTimeout(keepAlive);
    }
  });
});
