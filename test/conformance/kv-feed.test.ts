/**
 * The change feed every kv adapter must provide (`kv/adapters/change-feed.ts`): each committed write is
 * announced once, in commit order, with exact old/new values; shared adapters deliver every instance's
 * changes to every other instance. Adapters: kv-adapters.ts.
 */
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import type { KvWriteChange } from '@triad/engine/internal';
import { waitFor } from '../helpers/wait.ts';
import { brief, record, selected, withBackend } from './kv-adapters.ts';

for (const adapter of selected()) {
  describe(`kv change feed: ${adapter.name}`, { skip: adapter.skip ?? false }, () => {
    test('every write, delete and message is announced once, in order, with old and new values', () =>
      withBackend(adapter, async (kv, _dir, backend) => {
        const seen = record(backend);
        await kv.set('s', 'k', { n: 1 });
        await kv.set('s', 'k', { n: 2 });
        await kv.update('s', 'k', [{ type: 'increment', path: 'n', by: 3 }]);
        await kv.delete('s', 'k');
        await kv.delete('s', 'missing');
        await backend.feed.publish({ kind: 'message', scope: 's', key: null, data: { type: 'ping', data: [] }, at: Date.now() });
        await waitFor(() => seen.length >= 6, { what: 'six changes' });
        assert.deepEqual(seen.map(brief), [
          ['write', 's', 'k', undefined, { n: 1 }],
          ['write', 's', 'k', { n: 1 }, { n: 2 }],
          ['write', 's', 'k', { n: 2 }, { n: 5 }],
          ['delete', 's', 'k', { n: 5 }],
          ['delete', 's', 'missing', undefined],
          ['message', 's', null, { type: 'ping', data: [] }],
        ]);
        assert.ok(seen.every((c) => typeof c.at === 'number' && c.at > 0));
      }));

    test('values keep their exact JSON through set and update (empty arrays, big and fractional numbers)', () =>
      withBackend(adapter, async (kv, _dir, backend) => {
        const seen = record(backend);
        const doc = { empty: [], obj: {}, nested: { list: [[]] }, big: 2 ** 53 - 1, frac: 0.1 + 0.2, text: 'é 🙂', n: 0 };
        await kv.set('s', 'doc', doc);
        const u = await kv.update('s', 'doc', [{ type: 'increment', path: 'n', by: 1 }]);
        assert.deepEqual(u.old, doc);
        assert.deepEqual(u.value, { ...doc, n: 1 });
        assert.deepEqual(await kv.get('s', 'doc'), { ...doc, n: 1 });
        await waitFor(() => seen.length >= 2, { what: 'two changes' });
        assert.deepEqual((seen[1] as KvWriteChange).value, { ...doc, n: 1 });
      }));

    test('a throwing handler neither fails the write nor starves the other handlers', () =>
      withBackend(adapter, async (kv, _dir, backend) => {
        backend.feed.subscribe(() => {
          throw new Error('handler bug');
        });
        const seen = record(backend);
        await kv.set('s', 'k', 1);
        await waitFor(() => seen.length === 1, { what: 'the change' });
      }));

    test('a disposed subscription receives nothing more', () =>
      withBackend(adapter, async (kv, _dir, backend) => {
        const gone: unknown[] = [];
        const stop = backend.feed.subscribe((c) => gone.push(c));
        stop();
        const seen = record(backend);
        await kv.set('s', 'k', 1);
        await kv.set('s', 'marker', 1);
        await waitFor(() => seen.length === 2, { what: 'both changes' });
        assert.equal(gone.length, 0);
      }));

    if (adapter.shared) {
      test('a second instance sees every change of the first once, in commit order', () =>
        withBackend(adapter, async (kv, dir, a) => {
          const b = await adapter.open(dir);
          try {
            const atA = record(a);
            const atB = record(b);
            for (let i = 0; i < 20; i++) await (i % 2 ? b.store : kv).set('g', `k${i % 3}`, i);
            await b.feed.publish({ kind: 'message', scope: 'g', key: 'x', data: 'hello', at: Date.now() });
            await waitFor(() => atA.length === 21 && atB.length === 21, { what: '21 changes on both' });
            assert.deepEqual(atA.map(brief), atB.map(brief));
            assert.deepEqual(
              atB.slice(0, 20).map((c) => (c as KvWriteChange).value),
              Array.from({ length: 20 }, (_, i) => i),
            );
          } finally {
            await b.close();
          }
        }));

      test('concurrent updates from two instances sum exactly; the feed chains old → new without gaps', () =>
        withBackend(adapter, async (kv, dir) => {
          const b = await adapter.open(dir);
          try {
            const atB = record(b);
            const inc = [{ type: 'increment' as const, path: 'n', by: 1 }];
            const results = await Promise.all(
              Array.from({ length: 100 }, (_, i) => ((i % 2 ? b.store : kv) as typeof kv).update('c', 'ctr', inc)),
            );
            assert.deepEqual(await kv.get('c', 'ctr'), { n: 100 });
            // Each update saw a distinct old value: none was lost or applied twice.
            const olds = results.map((r) => (r.old as { n: number } | undefined)?.n ?? 0).sort((x, y) => x - y);
            assert.deepEqual(
              olds,
              Array.from({ length: 100 }, (_, i) => i),
            );
            await waitFor(() => atB.length === 100, { what: '100 changes at b' });
            atB.forEach((c, i) => {
              const w = c as KvWriteChange;
              assert.equal((w.old as { n: number } | undefined)?.n ?? 0, i);
              assert.deepEqual(w.value, { n: i + 1 });
            });
          } finally {
            await b.close();
          }
        }));
    }
  });
}
