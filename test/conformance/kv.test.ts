/** One suite every kv store must pass (used by `state` and `iii-stream`); adapters: kv-adapters.ts. */
import assert from 'node:assert/strict';
import { appendFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, test } from 'node:test';
import { selected, withStore } from './kv-adapters.ts';

for (const adapter of selected()) {
  describe(`kv conformance: ${adapter.name}`, { skip: adapter.skip ?? false }, () => {
    test('get of an absent key is undefined; set returns the old value', () =>
      withStore(adapter, async (kv) => {
        assert.equal(await kv.get('s', 'k'), undefined);
        assert.deepEqual(await kv.set('s', 'k', { a: 1 }), { old: undefined, value: { a: 1 } });
        assert.deepEqual(await kv.set('s', 'k', { a: 2 }), { old: { a: 1 }, value: { a: 2 } });
        assert.deepEqual(await kv.get('s', 'k'), { a: 2 });
        assert.equal(await kv.get('other', 'k'), undefined);
      }));

    test(
      'null and falsy values are stored, not treated as absent',
      { skip: adapter.nullIsAbsent && 'the wire cannot tell null from absent' },
      () =>
        withStore(adapter, async (kv) => {
          await kv.set('s', 'n', null);
          await kv.set('s', 'z', 0);
          assert.equal(await kv.get('s', 'n'), null);
          assert.equal(await kv.get('s', 'z'), 0);
          assert.deepEqual(await kv.list('s'), [null, 0]);
        }),
    );

    test('delete returns the old value and removes empty scopes', () =>
      withStore(adapter, async (kv) => {
        await kv.set('s', 'k', 'v');
        assert.equal(await kv.delete('s', 'k'), 'v');
        assert.equal(await kv.delete('s', 'k'), undefined);
        assert.equal(await kv.get('s', 'k'), undefined);
        assert.deepEqual(await kv.listGroups(), []);
      }));

    test('list keeps insertion order; overwrite keeps position', () =>
      withStore(adapter, async (kv) => {
        for (const k of ['c', 'a', 'b']) await kv.set('s', k, k.toUpperCase());
        await kv.set('s', 'c', 'C2');
        assert.deepEqual(await kv.list('s'), ['C2', 'A', 'B']);
        if (!adapter.noKeys) assert.deepEqual(await kv.keys('s'), ['c', 'a', 'b']);
        assert.deepEqual(await kv.list('empty'), []);
      }));

    test('listGroups is sorted and unique', () =>
      withStore(adapter, async (kv) => {
        await kv.set('zeta', '1', 1);
        await kv.set('alpha', '1', 1);
        await kv.set('alpha', '2', 2);
        assert.deepEqual(await kv.listGroups(), ['alpha', 'zeta']);
      }));

    test('update applies ops in order and reports failures without blocking the rest', () =>
      withStore(adapter, async (kv) => {
        await kv.set('s', 'k', { n: 1, tags: ['a'], name: 'x' });
        const u = await kv.update('s', 'k', [
          { type: 'increment', path: 'n', by: 4 },
          { type: 'increment', path: 'name', by: 1 },
          { type: 'append', path: 'tags', value: 'b' },
          { type: 'merge', value: { extra: true } },
          { type: 'remove', path: 'name' },
        ]);
        assert.deepEqual(u.old, { n: 1, tags: ['a'], name: 'x' });
        assert.deepEqual(u.value, { n: 5, tags: ['a', 'b'], extra: true });
        assert.deepEqual(
          u.errors.map((e) => [e.op_index, e.code]),
          [[1, 'increment.not_number']],
        );
        assert.deepEqual(await kv.get('s', 'k'), u.value);
      }));

    test('update of an absent key creates it', () =>
      withStore(adapter, async (kv) => {
        const u = await kv.update('s', 'new', [{ type: 'increment', path: 'count', by: 1 }]);
        assert.equal(u.old, undefined);
        assert.deepEqual(u.value, { count: 1 });
      }));

    test('concurrent updates of one key are atomic (no lost increments)', () =>
      withStore(adapter, async (kv) => {
        await Promise.all(Array.from({ length: 200 }, () => kv.update('s', 'ctr', [{ type: 'increment', path: 'n', by: 1 }])));
        assert.deepEqual(await kv.get('s', 'ctr'), { n: 200 });
      }));

    test('stored values are isolated from later update ops', () =>
      withStore(adapter, async (kv) => {
        const original = { nested: { n: 1 } };
        await kv.set('s', 'k', original);
        const u = await kv.update('s', 'k', [{ type: 'merge', path: ['nested'], value: { n: 2 } }]);
        assert.deepEqual(u.old, { nested: { n: 1 } });
        assert.deepEqual(original, { nested: { n: 1 } });
      }));

    if (adapter.durable) {
      test('acknowledged writes survive close and reopen, in order', () =>
        withStore(adapter, async (kv, dir) => {
          await Promise.all([kv.set('s', 'a', 1), kv.set('s', 'b', 2), kv.set('s', 'c', 3)]);
          await kv.delete('s', 'b');
          await kv.update('s', 'a', [{ type: 'increment', path: '', by: 1 }]).catch(() => {});
          await kv.set('t', 'x', { deep: [1, 2] });
          await kv.close();
          const again = await adapter.open(dir);
          try {
            assert.deepEqual(await again.store.keys('s'), ['a', 'c']);
            assert.deepEqual(await again.store.get('t', 'x'), { deep: [1, 2] });
            assert.deepEqual(await again.store.listGroups(), ['s', 't']);
          } finally {
            await again.close();
          }
        }));
    }

    if (adapter.name === 'file') {
      test('a torn last line (crash mid-append) is ignored on reopen', () =>
        withStore(adapter, async (kv, dir) => {
          await kv.set('s', 'a', 'kept');
          await kv.close();
          appendFileSync(join(dir, 'kv.log'), '{"s":"s","k":"b","v":"never ack');
          const again = await adapter.open(dir);
          try {
            assert.deepEqual(await again.store.list('s'), ['kept']);
            await again.store.set('s', 'c', 'after');
          } finally {
            await again.close();
          }
          const third = await adapter.open(dir);
          try {
            assert.deepEqual(await third.store.list('s'), ['kept', 'after']);
          } finally {
            await third.close();
          }
        }));
    }

    if (adapter.durable) {
      test('writes are readable by a second opener without a close (each ack was durable)', () =>
        withStore(adapter, async (kv, dir) => {
          for (let i = 0; i < 50; i++) await kv.set('s', `k${i}`, i);
          const peek = await adapter.open(dir);
          try {
            assert.equal((await peek.store.list('s')).length, 50);
          } finally {
            await peek.close();
          }
        }));
    }
  });
}
