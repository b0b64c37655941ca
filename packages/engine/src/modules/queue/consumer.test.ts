/** QueueConsumer against a real in-memory store: attempt accounting, DLQ, and parking of jobs whose function is missing. */
import assert from 'node:assert/strict';
import { it } from 'node:test';
import { waitFor } from '../../../../../test/helpers/wait.ts';
import { createLogger } from '../../util/logger.ts';
import { SqliteQueueStore } from './adapters/sqlite/sqlite-store.ts';
import { IDLE_POLL_MAX_MS, QueueConsumer } from './consumer.ts';
import type { Job } from './job.ts';

const log = createLogger('test', { level: 'silent' });

function setup(handle: (job: Job) => Promise<void>, known: Set<string>, pollIntervalMs = 50) {
  const store = new SqliteQueueStore({ path: ':memory:' });
  const consumer = new QueueConsumer({
    queue: 'q',
    concurrency: 2,
    pollIntervalMs,
    store,
    handle,
    hasFunction: (id) => known.has(id),
    log,
  });
  store.onReady((q) => q === 'q' && consumer.wake());
  return { store, consumer };
}

const job = (n: number, functionId = 'fn') => ({
  id: `m${n}`,
  queue: 'q',
  functionId,
  data: { n },
  maxAttempts: 2,
  backoff: { type: 'fixed' as const, delay: 0 },
});

it('retries until the attempt budget is spent, then dead-letters with the last error', async () => {
  let calls = 0;
  const { store, consumer } = setup(
    async () => {
      calls++;
      throw new Error(`fail ${calls}`);
    },
    new Set(['fn']),
  );
  try {
    consumer.start();
    await store.add(job(1));
    await waitFor(() => store.dlqCount('q') === 1, { what: 'DLQ' });
    assert.equal(calls, 2);
    assert.equal(store.dlqList('q', 0, 1)[0]?.error, 'fail 2');
  } finally {
    consumer.stop();
    await store.close();
  }
});

it('parks jobs whose function is not registered, without spending attempts, until it appears', async () => {
  const known = new Set<string>();
  const seen: unknown[] = [];
  const { store, consumer } = setup(async (j) => {
    seen.push(j.data);
  }, known);
  try {
    consumer.start();
    await store.add(job(1, 'late'));
    await store.add(job(2, 'late'));
    await waitFor(() => store.depth('q').active === 2, { what: 'jobs leased and parked' });
    assert.deepEqual(seen, []);
    known.add('late');
    consumer.functionsChanged();
    await waitFor(() => seen.length === 2, { what: 'parked jobs run' });
    assert.deepEqual(store.depth('q'), { waiting: 0, delayed: 0, active: 0 });
    assert.equal(store.dlqCount('q'), 0);
  } finally {
    consumer.stop();
    await store.close();
  }
});

it('stop gives parked jobs back to the store', async () => {
  const { store, consumer } = setup(async () => {}, new Set());
  try {
    consumer.start();
    await store.add(job(1, 'missing'));
    await waitFor(() => store.depth('q').active === 1);
    consumer.stop();
    assert.deepEqual(store.depth('q'), { waiting: 1, delayed: 0, active: 0 });
  } finally {
    await store.close();
  }
});

it('an idle queue backs its safety-net poll off, runs a new job at once all the same, and polls at the base rate while busy', async () => {
  let release: (() => void) | undefined;
  const ran: number[] = [];
  const { store, consumer } = setup(
    async (j) => {
      ran.push((j.data as { n: number }).n);
      await new Promise<void>((r) => {
        release = r;
      });
    },
    new Set(['fn']),
    10,
  );
  try {
    consumer.start();
    await waitFor(() => consumer.pollDelayMs === IDLE_POLL_MAX_MS, { what: 'the idle poll backing off', timeoutMs: 20_000 });
    await store.add(job(1));
    await waitFor(() => ran.length === 1, { what: 'the job to start' });
    await waitFor(() => consumer.pollDelayMs === 10, { what: 'the poll back at its base rate while a job runs', timeoutMs: 20_000 });
  } finally {
    release?.();
    consumer.stop();
    await store.close();
  }
});
