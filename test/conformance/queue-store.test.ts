/**
 * Conformance suite for queue store adapters (`modules/queue/adapters/store.ts`). Every adapter
 * runs the same cases; `durable` adapters also prove that acknowledged writes survive a reopen.
 * Filter with `QUEUE_STORES=sqlite-file,sqlite-memory`.
 */
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { type NewJob, type QueueStore, SqliteQueueStore } from '@triad/engine/internal';
import { uniqueName } from '../helpers/names.ts';

interface Clock {
  t: number;
}

interface StoreKind {
  name: string;
  durable: boolean;
  /** Open a store at `location` (same location → same data for durable kinds). */
  open(location: string, clock: Clock): QueueStore;
}

const KINDS: StoreKind[] = [
  { name: 'sqlite-file', durable: true, open: (loc, clock) => new SqliteQueueStore({ path: join(loc, 'queue.db'), now: () => clock.t }) },
  { name: 'sqlite-memory', durable: false, open: (_loc, clock) => new SqliteQueueStore({ path: ':memory:', now: () => clock.t }) },
];
const wanted = process.env.QUEUE_STORES?.split(',');

function job(queue: string, n: number, extra: Partial<NewJob> = {}): NewJob {
  return { id: `m-${n}`, queue, functionId: 'fn::a', data: { n }, maxAttempts: 3, backoff: { type: 'exponential', delay: 1000 }, ...extra };
}

for (const kind of KINDS.filter((k) => !wanted || wanted.includes(k.name))) {
  describe(`queue store conformance: ${kind.name}`, () => {
    /** A fresh store in a fresh dir; closed and removed afterwards. */
    async function withStore(
      fn: (store: QueueStore, ctx: { clock: Clock; dir: string; reopen: () => Promise<QueueStore> }) => Promise<void>,
    ): Promise<void> {
      const dir = mkdtempSync(join(tmpdir(), 'queue-store-'));
      const clock = { t: 1_000_000 };
      let store = kind.open(dir, clock);
      const reopen = async (): Promise<QueueStore> => {
        await store.close();
        store = kind.open(dir, clock);
        return store;
      };
      try {
        await fn(store, { clock, dir, reopen });
      } finally {
        await store.close();
        rmSync(dir, { recursive: true, force: true });
      }
    }

    it('hands out jobs oldest first, up to the limit, and forgets acked ones', () =>
      withStore(async (store, { clock }) => {
        const q = uniqueName('q');
        for (let i = 0; i < 5; i++) await store.add(job(q, i));
        assert.deepEqual(store.depth(q), { waiting: 5, delayed: 0, active: 0 });
        const first = store.lease(q, 3, clock.t);
        assert.deepEqual(
          first.map((j) => j.data),
          [{ n: 0 }, { n: 1 }, { n: 2 }],
        );
        assert.deepEqual(store.depth(q), { waiting: 2, delayed: 0, active: 3 });
        for (const j of first) store.ack(j);
        assert.deepEqual(
          store.lease(q, 10, clock.t).map((j) => j.id),
          ['m-3', 'm-4'],
        );
        assert.equal(store.lease(q, 10, clock.t).length, 0);
        assert.deepEqual(store.queues(), [q]);
      }));

    it('tells listeners when a job becomes leasable', () =>
      withStore(async (store) => {
        const q = uniqueName('q');
        const seen: string[] = [];
        const off = store.onReady((name) => seen.push(name));
        await store.add(job(q, 1));
        off();
        await store.add(job(q, 2));
        assert.deepEqual(seen, [q]);
      }));

    it('hides a retried job until its time and counts the attempt', () =>
      withStore(async (store, { clock }) => {
        const q = uniqueName('q');
        await store.add(job(q, 1));
        const [j] = store.lease(q, 1, clock.t);
        assert.ok(j);
        store.retry(j, clock.t + 500, 'boom');
        assert.deepEqual(store.depth(q), { waiting: 0, delayed: 1, active: 0 });
        assert.equal(store.nextAvailableAt(q), clock.t + 500);
        assert.equal(store.lease(q, 1, clock.t + 499).length, 0);
        const [again] = store.lease(q, 1, clock.t + 500);
        assert.equal(again?.id, 'm-1');
        assert.equal(again?.attempts, 1);
      }));

    it('releases a job without counting an attempt', () =>
      withStore(async (store, { clock }) => {
        const q = uniqueName('q');
        await store.add(job(q, 1));
        const [j] = store.lease(q, 1, clock.t);
        store.release(j!, clock.t);
        const [again] = store.lease(q, 1, clock.t);
        assert.equal(again?.attempts, 0);
      }));

    it('dead-letters with the error, then redrives with a fresh attempt budget', () =>
      withStore(async (store, { clock }) => {
        const q = uniqueName('q');
        await store.add(job(q, 1));
        await store.add(job(q, 2));
        for (const j of store.lease(q, 2, clock.t)) store.fail(j, `failed ${j.id}`, clock.t);
        assert.equal(store.dlqCount(q), 2);
        assert.deepEqual(store.dlqQueues(), [{ queue: q, count: 2 }]);
        const [m1] = store.dlqList(q, 0, 1);
        assert.deepEqual(
          { id: m1?.id, payload: m1?.payload, error: m1?.error, failed_at: m1?.failed_at },
          { id: 'm-1', payload: { n: 1 }, error: 'failed m-1', failed_at: clock.t },
        );
        assert.deepEqual(
          store.dlqList(q, 1, 10).map((m) => m.id),
          ['m-2'],
        );
        assert.equal(store.depth(q).waiting, 0);
        assert.equal(await store.redriveMessage(q, 'm-2'), 1);
        assert.equal(await store.redriveMessage(q, 'm-2'), 0);
        assert.equal(await store.redrive(q), 1);
        assert.equal(store.dlqCount(q), 0);
        const back = store.lease(q, 10, clock.t);
        assert.deepEqual(back.map((j) => [j.id, j.attempts]).sort(), [
          ['m-1', 0],
          ['m-2', 0],
        ]);
      }));

    it('discards a dead-lettered message for good', () =>
      withStore(async (store, { clock }) => {
        const q = uniqueName('q');
        await store.add(job(q, 1));
        store.fail(store.lease(q, 1, clock.t)[0]!, 'x', clock.t);
        assert.equal(await store.discardMessage(q, 'nope'), 0);
        assert.equal(await store.discardMessage(q, 'm-1'), 1);
        assert.equal(store.dlqCount(q), 0);
        assert.equal(await store.redrive(q), 0);
      }));

    it('runs one job per message group at a time, in order, and a retrying job blocks its group', () =>
      withStore(async (store, { clock }) => {
        const q = uniqueName('q');
        const order = ['a', 'a', 'b', 'a', 'b'];
        for (const [i, g] of order.entries()) await store.add(job(q, i, { groupKey: g }));
        const first = store.lease(q, 10, clock.t);
        assert.deepEqual(
          first.map((j) => j.id),
          ['m-0', 'm-2'],
        );
        const [a0, b2] = first;
        store.ack(b2!);
        assert.deepEqual(
          store.lease(q, 10, clock.t).map((j) => j.id),
          ['m-4'],
        );
        store.retry(a0!, clock.t + 100, 'later');
        assert.equal(store.lease(q, 10, clock.t + 50).length, 0, 'group a waits for its retrying head');
        const retried = store.lease(q, 10, clock.t + 100);
        assert.deepEqual(
          retried.map((j) => j.id),
          ['m-0'],
        );
        store.ack(retried[0]!);
        assert.deepEqual(
          store.lease(q, 10, clock.t + 100).map((j) => j.id),
          ['m-1'],
        );
      }));

    it('keeps queues apart', () =>
      withStore(async (store, { clock }) => {
        const q1 = uniqueName('q');
        const q2 = uniqueName('q');
        await store.add(job(q1, 1));
        await store.add(job(q2, 2));
        assert.deepEqual(
          store.lease(q1, 10, clock.t).map((j) => j.id),
          ['m-1'],
        );
        assert.deepEqual(store.depth(q2), { waiting: 1, delayed: 0, active: 0 });
      }));

    if (kind.durable) {
      it('after a reopen, unacked jobs (leased or not) come back and acked ones do not', () =>
        withStore(async (_store, { clock, reopen }) => {
          const q = uniqueName('q');
          let store = _store;
          await Promise.all(Array.from({ length: 500 }, (_, i) => store.add(job(q, i))));
          const leased = store.lease(q, 200, clock.t);
          for (const j of leased.slice(0, 100)) store.ack(j);
          store.fail(leased[100]!, 'dead', clock.t);
          store.retry(leased[101]!, clock.t + 10_000, 'later');
          await store.flush();
          store = await reopen();
          assert.equal(store.dlqCount(q), 1);
          assert.equal(store.dlqList(q, 0, 1)[0]?.error, 'dead');
          const d = store.depth(q);
          assert.deepEqual(d, { waiting: 398, delayed: 1, active: 0 });
          const again = store.lease(q, 1000, clock.t + 10_000);
          assert.equal(again.length, 399);
          assert.equal(again.find((j) => j.id === leased[101]!.id)?.attempts, 1);
        }));
    }
  });
}
