/**
 * The suite every cron lock adapter must pass (`modules/cron/adapters/cron-lock.ts`). One lock instance
 * stands for one engine's cron module. Exported so a new adapter's test file runs it with one call;
 * `cron-lock.test.ts` runs the built-in ones.
 *
 * Two things differ between adapters and are declared by the kind, not guessed:
 * - `shared`: instances with the same `lock_index` contend (redis: once per tick across engines) or do
 *   not (kv: process-local, several engines each fire);
 * - `scope`: a lock covers one `tick` and is never handed out again for it (redis: a late engine cannot
 *   re-fire a tick a faster one finished), or the whole `job` until released (kv).
 */
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import type { CronLock } from '@triad/engine/internal';
import { uniqueName } from '../helpers/names.ts';
import { waitFor } from '../helpers/wait.ts';

export interface CronLockKind {
  name: string;
  shared: boolean;
  scope: 'tick' | 'job';
  /** A new lock instance (a new "engine") on `index` (the `lock_index` config). */
  open(index: string): Promise<CronLock>;
  /** `false` to run, or why the suite is skipped (e.g. the service is unreachable). */
  skip?: false | string;
}

/** Long enough never to expire during a test, short enough that stray Redis keys go soon. */
const TTL = 30_000;
const TICK = Date.UTC(2026, 0, 1, 12, 0, 0);
const NEXT_TICK = TICK + 60_000;

/** `n` lock instances on one fresh `lock_index`; the first is also passed alone. */
async function withLocks(kind: CronLockKind, n: number, fn: (all: [CronLock, ...CronLock[]]) => Promise<void>): Promise<void> {
  const index = uniqueName('cron-conformance');
  const locks: CronLock[] = [];
  try {
    for (let i = 0; i < n; i++) locks.push(await kind.open(index));
    await fn(locks as [CronLock, ...CronLock[]]);
  } finally {
    await Promise.all(locks.map((l) => l.close()));
  }
}

/** How many of the concurrent `acquire` calls won. */
async function winners(attempts: Array<Promise<boolean>>): Promise<number> {
  return (await Promise.all(attempts)).filter(Boolean).length;
}

export function cronLockConformance(kind: CronLockKind): void {
  describe(`cron lock conformance: ${kind.name}`, { skip: kind.skip ?? false }, () => {
    test('exactly one of many concurrent contenders takes a tick', () =>
      withLocks(kind, 1, async ([lock]) => {
        const job = uniqueName('job');
        assert.equal(await winners(Array.from({ length: 10 }, () => lock.acquire(job, TICK, TTL))), 1);
        assert.equal(await lock.acquire(job, TICK, TTL), false, 'still held');
      }));

    test('another job is independent', () =>
      withLocks(kind, 1, async ([lock]) => {
        const [a, b] = [uniqueName('job-a'), uniqueName('job-b')];
        assert.equal(await lock.acquire(a, TICK, TTL), true);
        assert.equal(await lock.acquire(b, TICK, TTL), true);
      }));

    test('after the holder releases, the next tick can be taken', () =>
      withLocks(kind, 1, async ([lock]) => {
        const job = uniqueName('job');
        assert.equal(await lock.acquire(job, TICK, TTL), true);
        await lock.release(job, TICK);
        assert.equal(await lock.acquire(job, NEXT_TICK, TTL), true);
      }));

    test('a lock never released (a fire that died) is free again once its TTL has passed', () =>
      withLocks(kind, 1, async ([lock]) => {
        const job = uniqueName('job');
        const ttl = 200;
        const start = performance.now();
        assert.equal(await lock.acquire(job, TICK, ttl), true);
        await waitFor(() => lock.acquire(job, TICK, TTL), { what: 'the lock to expire' });
        assert.ok(performance.now() - start >= ttl - 1, 'not before the TTL');
      }));

    test('locks on different lock_index values do not contend', () =>
      withLocks(kind, 1, async ([lock]) => {
        const job = uniqueName('job');
        const other = await kind.open(uniqueName('cron-conformance-other'));
        try {
          assert.equal(await lock.acquire(job, TICK, TTL), true);
          assert.equal(await other.acquire(job, TICK, TTL), true);
        } finally {
          await other.close();
        }
      }));

    test(`lock scope '${kind.scope}': what a held and a released lock cover`, () =>
      withLocks(kind, 1, async ([lock]) => {
        const job = uniqueName('job');
        const perTick = kind.scope === 'tick';
        assert.equal(await lock.acquire(job, TICK, TTL), true);
        // per tick: the next tick is free while this one is held; per job: the job is held across ticks.
        assert.equal(await lock.acquire(job, NEXT_TICK, TTL), perTick);
        await lock.release(job, TICK);
        // per tick: a fired tick is never taken again (a late engine must not re-fire it); per job: free again.
        assert.equal(await lock.acquire(job, TICK, TTL), !perTick);
      }));

    if (kind.shared) {
      test('instances sharing a lock_index: one of N engines takes each tick', () =>
        withLocks(kind, 4, async (locks) => {
          const job = uniqueName('job');
          assert.equal(await winners(locks.map((l) => l.acquire(job, TICK, TTL))), 1);
          assert.equal(await winners(locks.map((l) => l.acquire(job, NEXT_TICK, TTL))), 1);
        }));
    } else {
      test('instances are process-local: each engine takes every tick', () =>
        withLocks(kind, 3, async (locks) => {
          const job = uniqueName('job');
          assert.equal(await winners(locks.map((l) => l.acquire(job, TICK, TTL))), 3);
        }));
    }
  });
}
