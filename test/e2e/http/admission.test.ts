/**
 * HTTP admission by queue backlog (modules/http/admission.ts) end to end: one real iii-sdk worker serves an
 * HTTP route and a queue's jobs; while that queue has jobs waiting for a slot, the engine reports them per
 * worker (`queue-backlog` service) and holds new requests to the worker's route, each at most MAX_HOLD_MS;
 * once the backlog is gone nothing is held.
 */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { TriggerAction } from 'iii-sdk';
import { connectWorker, startTestEngine, type TestEngine, waitForFunction } from '../../helpers/engine.ts';
import { uniqueName } from '../../helpers/names.ts';
import { deferred, waitFor } from '../../helpers/wait.ts';
import { queueWorker } from '../queue/helpers.ts';

const JOBS = 120;

/**
 * Routes `/<unique>` to `route` and enqueues JOBS jobs of `job` on the `slow` queue (concurrency 1, the job
 * blocked by the test): more than the admission's high_water (100) wait for a slot on `w`'s connection.
 */
async function routeWithBacklog(engine: TestEngine, w: ReturnType<typeof connectWorker>, route: string, job: string) {
  await waitForFunction(engine, job);
  await waitForFunction(engine, route);
  const path = `/${uniqueName('adm')}`;
  await w.trigger({
    function_id: 'engine::register_trigger',
    payload: { trigger_type: 'http', function_id: route, config: { api_path: path }, metadata: null },
  });
  for (let i = 0; i < JOBS; i++) await w.trigger({ function_id: job, payload: { i }, action: TriggerAction.Enqueue({ queue: 'slow' }) });
  const backlog = engine.api.services.get('queue-backlog');
  assert.ok(backlog, 'the queue worker provides the backlog service');
  const workerId = engine.api.getFunction(job)?.workerId ?? '';
  await waitFor(() => backlog.waitingFor(workerId) === JOBS - 1, { what: 'one job running, the rest waiting' });
  return { path, backlog, workerId };
}

describe('http: admission by queue backlog', () => {
  it('holds requests to a worker whose queue falls behind, at most MAX_HOLD_MS each; stops when the hold does not help', async () => {
    const engine = await startTestEngine({
      workers: [{ name: 'http', config: {} }, queueWorker({ slow: { concurrency: 1, max_retries: 1 } })],
    });
    const w = connectWorker(engine, uniqueName('admission'));
    const other = connectWorker(engine, uniqueName('admission-other'));
    try {
      const job = uniqueName('adm::job');
      const route = uniqueName('adm::route');
      const jobsMayFinish = deferred<void>(20_000, 'queue release');
      let jobsDone = 0;
      let routeStarted = (): void => {};
      w.registerFunction(job, async () => {
        await jobsMayFinish.promise;
        jobsDone++;
        return null;
      });
      w.registerFunction(route, async () => {
        routeStarted();
        return { status_code: 200, body: { ok: true } };
      });
      const idle = uniqueName('adm::idle');
      other.registerFunction(idle, async () => null);
      await waitForFunction(engine, idle);
      const { path, backlog, workerId } = await routeWithBacklog(engine, w, route, job);
      assert.equal(engine.api.getFunction(route)?.workerId, workerId);
      assert.equal(backlog.waitingFor(engine.api.getFunction(idle)?.workerId ?? ''), 0, 'another worker has no backlog');

      const admission = engine.api.services.get('http-admission');
      assert.ok(admission, 'the http worker provides its admission state');
      const REQUESTS = 12;
      const sentAt = performance.now();
      const startedAfter: number[] = [];
      routeStarted = () => startedAfter.push(performance.now() - sentAt);
      const answers = await Promise.all(
        Array.from({ length: REQUESTS }, () => fetch(`${engine.addresses.http}${path}`).then((r) => r.status)),
      );
      // The queue never caught up (its job is blocked): every request was held, then let go after MAX_HOLD_MS.
      assert.deepEqual(answers, Array(REQUESTS).fill(200));
      assert.equal(jobsDone, 0);
      // That hold did not shrink the backlog (the job waits on the test, not on CPU): holding paused.
      assert.equal(admission.holding(route), false);
      assert.equal(startedAfter.length, REQUESTS);
      for (const ms of startedAfter) assert.ok(ms >= 500, `held at least MAX_HOLD_MS (500 ms), started after ${ms.toFixed(0)} ms`);
      // While holding is paused, a request goes straight in.
      assert.equal((await fetch(`${engine.addresses.http}${path}`)).status, 200);
      assert.equal(admission.heldOf(route), 0);

      // The queue catches up: requests are no longer held.
      jobsMayFinish.resolve();
      await waitFor(() => jobsDone === JOBS, { what: 'every job done' });
      assert.equal(backlog.waitingFor(workerId), 0);
      assert.equal((await fetch(`${engine.addresses.http}${path}`)).status, 200);
      assert.equal(admission.holding(route), false);
    } finally {
      await other.shutdown();
      await w.shutdown();
      await engine.stop();
    }
  });

  it('queue_admission.enabled: false in config/http.yaml: the same backlog holds nothing', async () => {
    const engine = await startTestEngine({
      workers: [
        { name: 'http', config: { queue_admission: { enabled: false } } },
        queueWorker({ slow: { concurrency: 1, max_retries: 1 } }),
      ],
    });
    const w = connectWorker(engine, uniqueName('admission-off'));
    const jobsMayFinish = deferred<void>(20_000, 'queue release');
    try {
      const job = uniqueName('adm-off::job');
      const route = uniqueName('adm-off::route');
      w.registerFunction(job, async () => {
        await jobsMayFinish.promise;
        return null;
      });
      w.registerFunction(route, async () => ({ status_code: 200, body: { ok: true } }));
      const { path } = await routeWithBacklog(engine, w, route, job);
      const admission = engine.api.services.get('http-admission');
      assert.ok(admission);
      const answers = await Promise.all(Array.from({ length: 12 }, () => fetch(`${engine.addresses.http}${path}`).then((r) => r.status)));
      assert.deepEqual(answers, Array(12).fill(200));
      assert.equal(admission.holding(route), false, 'never holding with enabled: false');
      assert.equal(admission.heldOf(route), 0);
    } finally {
      jobsMayFinish.resolve();
      await w.shutdown();
      await engine.stop();
    }
  });
});
