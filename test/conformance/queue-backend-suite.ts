/**
 * The suite every queue backend must pass (`modules/queue/adapters/queue-backend.ts`): the
 * semantics the queue worker's functions and triggers rely on, whichever backend runs. One backend
 * instance stands for one engine. `shared` kinds (a broker) also prove that several instances share
 * a queue: each job handled once, and a job whose consumer dies mid-way is handled by another.
 * Exported so a new backend's test file runs it with one call; `queue-backend.test.ts` runs ours.
 */
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import type { Disposer } from '@triad/engine';
import type { ConsumerSpec, Delivery, FunctionPresence, QueueBackend, QueueRef } from '@triad/engine/internal';
import { uniqueName } from '../helpers/names.ts';
import { deferred, waitFor } from '../helpers/wait.ts';

export interface QueueBackendKind {
  name: string;
  /** Instances share queues (several engines on one broker). */
  shared: boolean;
  /** A new, started instance (a new "engine"). */
  open(functions: FunctionPresence): Promise<QueueBackend>;
  /** Remove what the test created on the service. */
  cleanup?(used: Array<{ ref: QueueRef; spec: ConsumerSpec }>): Promise<void>;
  /** `false` to run, or why the suite is skipped. */
  skip?: false | string;
  /** Extra cases for this kind, run with the same helpers. */
  extra?: (t: SuiteTools) => void;
}

/** Functions this "engine" serves: all of them unless a test says otherwise. */
export class Functions implements FunctionPresence {
  private missing = new Set<string>();
  private listeners = new Set<() => void>();
  has(id: string): boolean {
    return !this.missing.has(id);
  }
  onChange(listener: () => void): Disposer {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }
  hide(id: string): void {
    this.missing.add(id);
  }
  show(id: string): void {
    this.missing.delete(id);
    for (const l of this.listeners) l();
  }
}

export interface Instance {
  backend: QueueBackend;
  functions: Functions;
  /** Consume and remember the queue for cleanup. */
  consume(ref: QueueRef, spec: Partial<ConsumerSpec> & Pick<ConsumerSpec, 'handle'>): Promise<ConsumerSpec>;
}

export interface SuiteTools {
  /** Run `fn` with `n` fresh instances; closes them and cleans up the service afterwards. */
  withInstances(n: number, fn: (...instances: Instance[]) => Promise<void>): Promise<void>;
  job(queue: string, n: number, extra?: Record<string, unknown>): Parameters<QueueBackend['enqueue']>[0];
}

const SPEC = { concurrency: 4, pollIntervalMs: 50, maxAttempts: 3, backoff: { type: 'exponential' as const, delay: 20 } };

export function queueBackendConformance(kind: QueueBackendKind): void {
  const tools: SuiteTools = {
    async withInstances(n, fn) {
      const instances: Instance[] = [];
      const used: Array<{ ref: QueueRef; spec: ConsumerSpec }> = [];
      try {
        for (let i = 0; i < n; i++) {
          const functions = new Functions();
          const backend = await kind.open(functions);
          instances.push({
            backend,
            functions,
            async consume(ref, partial) {
              const spec: ConsumerSpec = { ...SPEC, ...partial };
              used.push({ ref, spec });
              await backend.consume(ref, spec);
              return spec;
            },
          });
        }
        await fn(...instances);
      } finally {
        await Promise.all(instances.map((i) => i.backend.close()));
        await kind.cleanup?.(used);
      }
    },
    job: (queue, n, extra = {}) => ({ id: `m-${n}`, queue, functionId: 'fn::a', data: { n }, ...SPEC, ...extra }),
  };
  const { withInstances, job } = tools;
  const named = (name: string): QueueRef => ({ kind: 'named', name });

  describe(`queue backend conformance: ${kind.name}`, { skip: kind.skip ?? false }, () => {
    test('an acknowledged enqueue is handled once, with its data, id and no attempts spent', () =>
      withInstances(1, async (a) => {
        const q = uniqueName('q');
        const got: Delivery[] = [];
        await a.consume(named(q), { handle: async (j) => void got.push(j) });
        for (let i = 0; i < 3; i++) await a.backend.enqueue(job(q, i));
        await waitFor(() => got.length === 3, { what: '3 jobs' });
        assert.deepEqual(got.map((j) => [j.id, j.functionId, j.data, j.attempts, j.queue]).sort(), [
          ['m-0', 'fn::a', { n: 0 }, 0, q],
          ['m-1', 'fn::a', { n: 1 }, 0, q],
          ['m-2', 'fn::a', { n: 2 }, 0, q],
        ]);
        await waitFor(async () => {
          const d = await a.backend.depth(named(q));
          return d.waiting + d.delayed + d.active === 0;
        });
      }));

    test('retries a failing job with exponential backoff, counting attempts, until it succeeds', () =>
      withInstances(1, async (a) => {
        const q = uniqueName('q');
        const at: Array<[number, number]> = [];
        const done = deferred();
        await a.consume(named(q), {
          maxAttempts: 3,
          handle: async (j) => {
            at.push([j.attempts, Date.now()]);
            if (j.attempts < 2) throw new Error(`flake ${j.attempts}`);
            done.resolve();
          },
        });
        await a.backend.enqueue(job(q, 1));
        await done.promise;
        assert.deepEqual(
          at.map(([n]) => n),
          [0, 1, 2],
        );
        const [[, t0], [, t1], [, t2]] = at as [[number, number], [number, number], [number, number]];
        // Never early: 20 ms, then 40 ms (timers may fire a millisecond short of the mark).
        assert.ok(t1 - t0 >= 19, `first retry after ${t1 - t0} ms`);
        assert.ok(t2 - t1 >= 39, `second retry after ${t2 - t1} ms`);
        assert.equal(await a.backend.dlqCount(named(q)), 0);
      }));

    test('dead-letters after the attempt budget with the last error; redrive one, redrive all, discard', () =>
      withInstances(1, async (a) => {
        const q = uniqueName('q');
        let healthy = false;
        const ok: string[] = [];
        await a.consume(named(q), {
          maxAttempts: 2,
          handle: async (j) => {
            if (!healthy) throw new Error(`failed ${j.id} at ${j.attempts}`);
            ok.push(j.id);
          },
        });
        for (let i = 1; i <= 3; i++) await a.backend.enqueue(job(q, i, { maxAttempts: 2 }));
        await waitFor(async () => (await a.backend.dlqCount(named(q))) === 3, { what: '3 dead letters' });
        const list = await a.backend.dlqList(named(q), 0, 10);
        assert.deepEqual(list.map((m) => m.id).sort(), ['m-1', 'm-2', 'm-3']);
        const m1 = list.find((m) => m.id === 'm-1');
        assert.deepEqual(m1?.payload, { n: 1 });
        assert.equal(m1?.error, 'failed m-1 at 1');
        assert.equal(typeof m1?.failed_at, 'number');
        assert.equal((await a.backend.dlqList(named(q), 1, 10)).length, 2, 'offset');
        assert.deepEqual(await a.backend.dlqQueues(), [{ queue: q, count: 3 }]);

        assert.equal(await a.backend.discardMessage(named(q), 'nope'), 0);
        assert.equal(await a.backend.discardMessage(named(q), 'm-3'), 1);
        healthy = true;
        assert.equal(await a.backend.redriveMessage(named(q), 'm-2'), 1);
        assert.equal(await a.backend.redriveMessage(named(q), 'm-2'), 0);
        await waitFor(() => ok.includes('m-2'), { what: 'm-2 redriven and handled' });
        assert.equal(await a.backend.redrive(named(q)), 1);
        await waitFor(() => ok.length === 2, { what: 'm-1 redriven and handled' });
        assert.deepEqual(ok.sort(), ['m-1', 'm-2']);
        assert.equal(await a.backend.dlqCount(named(q)), 0);
        assert.deepEqual(await a.backend.dlqQueues(), []);
      }));

    test('FIFO: one job per group at a time, in order, and a retrying job holds its group back', () =>
      withInstances(1, async (a) => {
        const q = uniqueName('q');
        const seen = new Map<string, number[]>();
        const busy = new Set<string>();
        let overlap = false;
        let failed = false;
        let total = 0;
        await a.consume(named(q), {
          fifo: true,
          concurrency: 3,
          handle: async (j) => {
            const { g, n } = j.data as { g: string; n: number };
            if (busy.has(g)) overlap = true;
            busy.add(g);
            await new Promise<void>((r) => setImmediate(r));
            busy.delete(g);
            if (g === 'b' && n === 2 && !failed) {
              failed = true;
              throw new Error('b2 once');
            }
            seen.set(g, [...(seen.get(g) ?? []), n]);
            total++;
          },
        });
        for (let n = 0; n < 6; n++)
          for (const g of ['a', 'b', 'c']) await a.backend.enqueue(job(q, n, { data: { g, n }, id: `${g}${n}`, groupKey: g }));
        await waitFor(() => total === 18, { what: '18 fifo jobs' });
        const order = [0, 1, 2, 3, 4, 5];
        assert.deepEqual(Object.fromEntries(seen), { a: order, b: order, c: order });
        assert.equal(overlap, false);
      }));

    test('never runs more jobs at once than the concurrency', () =>
      withInstances(1, async (a) => {
        const q = uniqueName('q');
        let inflight = 0;
        let max = 0;
        let done = 0;
        const gates: Array<() => void> = [];
        await a.consume(named(q), {
          concurrency: 2,
          handle: async () => {
            max = Math.max(max, ++inflight);
            await new Promise<void>((r) => gates.push(r));
            inflight--;
            done++;
          },
        });
        for (let i = 0; i < 6; i++) await a.backend.enqueue(job(q, i));
        for (let released = 0; released < 6; released++) {
          await waitFor(() => gates.length > 0 && inflight === Math.min(2, 6 - released), { what: `${released} released` });
          gates.shift()?.();
        }
        await waitFor(() => done === 6);
        assert.equal(max, 2);
      }));

    test('durable topics: a copy for each subscribed function; parked (kept) when nobody subscribed yet', () =>
      withInstances(1, async (a) => {
        const topic = uniqueName('topic');
        await a.backend.publish(topic, { id: 'early', data: { n: 0 } });
        await waitFor(async () => (await a.backend.depth({ kind: 'parked', topic })).waiting === 1, { what: 'parked publish' });
        const got: Record<string, unknown[]> = { f1: [], f2: [] };
        for (const fn of ['f1', 'f2'] as const)
          await a.consume({ kind: 'subscription', topic, functionId: fn }, { handle: async (j) => void got[j.functionId]?.push(j.data) });
        for (let n = 1; n <= 3; n++) await a.backend.publish(topic, { id: `p${n}`, data: { n } });
        await waitFor(() => got.f1?.length === 3 && got.f2?.length === 3, { what: 'fan-out' });
        assert.deepEqual(got.f1?.map((d) => (d as { n: number }).n).sort(), [1, 2, 3]);
        assert.deepEqual(got.f2?.map((d) => (d as { n: number }).n).sort(), [1, 2, 3]);
        assert.equal((await a.backend.depth({ kind: 'parked', topic })).waiting, 1, 'parked messages stay parked');
      }));

    test('durable subscriptions retry with backoff and dead-letter like named queues', () =>
      withInstances(1, async (a) => {
        const topic = uniqueName('topic');
        const ref: QueueRef = { kind: 'subscription', topic, functionId: 'fn::sub' };
        const attempts: Record<string, number[]> = {};
        await a.consume(ref, {
          maxAttempts: 2,
          handle: async (j) => {
            const n = (j.data as { n: string }).n;
            attempts[n] = [...(attempts[n] ?? []), j.attempts];
            if (n === 'dead' || j.attempts === 0) throw new Error(`no ${n}`);
          },
        });
        await a.backend.publish(topic, { id: 'flaky', data: { n: 'flaky' } });
        await a.backend.publish(topic, { id: 'dead', data: { n: 'dead' } });
        await waitFor(async () => (await a.backend.dlqCount(ref)) === 1, { what: 'one dead letter' });
        await waitFor(() => attempts.flaky?.length === 2, { what: 'flaky retried once' });
        assert.deepEqual(attempts, { flaky: [0, 1], dead: [0, 1] });
        const [m] = await a.backend.dlqList(ref, 0, 10);
        assert.deepEqual([m?.id, m?.payload, m?.error], ['dead', { n: 'dead' }, 'no dead']);
        assert.deepEqual(await a.backend.dlqQueues(), [{ queue: `${topic}::fn::sub`, count: 1 }]);
      }));

    test('a stopped consumer leaves jobs queued; consuming again delivers them', () =>
      withInstances(1, async (a) => {
        const topic = uniqueName('topic');
        const ref: QueueRef = { kind: 'subscription', topic, functionId: 'fn::away' };
        const got: unknown[] = [];
        await a.consume(ref, { handle: async (j) => void got.push(j.data) });
        await a.backend.publish(topic, { id: 'x1', data: 1 });
        await waitFor(() => got.length === 1);
        await a.backend.stopConsuming(ref);
        await a.backend.publish(topic, { id: 'x2', data: 2 });
        await waitFor(async () => (await a.backend.depth(ref)).waiting === 1, { what: 'kept while away' });
        assert.deepEqual(got, [1]);
        await a.consume(ref, { handle: async (j) => void got.push(j.data as number) });
        await waitFor(() => got.length === 2, { what: 'delivered on return' });
      }));

    test('a job for a function not registered here waits, without spending an attempt, until it appears', () =>
      withInstances(1, async (a) => {
        const q = uniqueName('q');
        a.functions.hide('fn::late');
        const got: Delivery[] = [];
        await a.consume(named(q), { handle: async (j) => void got.push(j) });
        await a.backend.enqueue(job(q, 1, { functionId: 'fn::late' }));
        await waitFor(async () => (await a.backend.depth(named(q))).active === 1, { what: 'held' });
        assert.equal(got.length, 0);
        a.functions.show('fn::late');
        await waitFor(() => got.length === 1, { what: 'run once the function is there' });
        assert.equal(got[0]?.attempts, 0);
      }));

    kind.extra?.(tools);
  });
}
