/**
 * The cron lock adapters across two engines running the same job (same trigger id): with `kv` each
 * engine fires every tick; with `redis` each tick fires once in total. Needs Redis on 127.0.0.1:6379:
 * skipped (with the reason) when unreachable, failed under CI=true.
 */
import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import { describe, it } from 'node:test';
import { Redis } from 'ioredis';
import WebSocket from 'ws';
import { connectWorker, startTestEngine, type TestEngine } from '../../helpers/engine.ts';
import { uniqueName } from '../../helpers/names.ts';
import { REDIS_URL, redisSkip } from '../../helpers/services.ts';
import { waitFor } from '../../helpers/wait.ts';
import { waitForTrigger } from '../state/trigger-ready.ts';

const skip = await redisSkip();

/** A raw worker socket: the SDK picks trigger ids itself, and this test needs the same id on both engines. */
async function registerTriggerWithId(engine: TestEngine, id: string, functionId: string): Promise<WebSocket> {
  const ws = new WebSocket(engine.workerUrl);
  await new Promise((resolve, reject) => {
    ws.once('open', resolve);
    ws.once('error', reject);
  });
  ws.send(
    JSON.stringify({ type: 'registertrigger', id, trigger_type: 'cron', function_id: functionId, config: { expression: '* * * * * *' } }),
  );
  return ws;
}

/** Two engines with the same adapter config, one job id on both; returns the scheduled_time of every delivery. */
async function runTwinJobs(adapter: Record<string, unknown>, until: (ticks: Map<string, number>) => boolean): Promise<Map<string, number>> {
  const workers = [{ name: 'cron', config: { adapter } }];
  const [a, b] = [await startTestEngine({ workers }), await startTestEngine({ workers })];
  const fn = uniqueName('twin');
  const ticks = new Map<string, number>();
  const clients = [connectWorker(a), connectWorker(b)];
  const sockets: WebSocket[] = [];
  try {
    for (const w of clients) {
      w.registerFunction(fn, async (p: { scheduled_time: string }) => {
        ticks.set(p.scheduled_time, (ticks.get(p.scheduled_time) ?? 0) + 1);
        return null;
      });
    }
    const id = randomUUID();
    for (const e of [a, b]) {
      sockets.push(await registerTriggerWithId(e, id, fn));
      await waitForTrigger(e, fn, 'cron');
    }
    await waitFor(() => until(ticks), { timeoutMs: 15_000, what: 'cron ticks on both engines' });
    return new Map(ticks);
  } finally {
    for (const ws of sockets) ws.close();
    await Promise.all(clients.map((w) => w.shutdown()));
    await Promise.all([a.stop(), b.stop()]);
  }
}

describe('cron: lock adapters across engines', { skip }, () => {
  it('kv (process-local): both engines fire the same tick', async () => {
    const ticks = await runTwinJobs({ name: 'kv' }, (t) => [...t.values()].some((n) => n === 2));
    assert.ok([...ticks.values()].some((n) => n === 2));
  });

  it('redis: each tick fires once across the engines', async () => {
    const lock_index = uniqueName('cron-locks');
    // Four distinct ticks seen: every tick but the newest has had a whole second for a duplicate to show up.
    const ticks = await runTwinJobs({ name: 'redis', config: { redis_url: REDIS_URL, lock_index } }, (t) => t.size >= 4);
    const settled = [...ticks.entries()].sort(([x], [y]) => x.localeCompare(y)).slice(0, -1);
    assert.ok(settled.length >= 3);
    for (const [tick, n] of settled) assert.equal(n, 1, `tick ${tick} fired ${n} times`);
  });

  it('hot-swaps kv → redis: the job keeps firing and now takes its locks in Redis', async () => {
    const engine = await startTestEngine({ workers: [{ name: 'cron' }] });
    const w = connectWorker(engine);
    const redis = new Redis(REDIS_URL);
    const fn = uniqueName('swapped');
    const lock_index = uniqueName('cron-locks');
    let fired = 0;
    try {
      w.registerFunction(fn, async () => {
        fired++;
        return null;
      });
      w.registerTrigger({ type: 'cron', function_id: fn, config: { expression: '* * * * * *' } });
      await waitFor(() => fired >= 1, { timeoutMs: 15_000, what: 'a fire under kv' });
      await engine.reconfigure('cron', { adapter: { name: 'redis', config: { redis_url: REDIS_URL, lock_index } } });
      const after = fired;
      await waitFor(() => fired > after, { timeoutMs: 15_000, what: 'a fire after the swap' });
      await waitFor(async () => (await redis.keys(`${lock_index}:*`)).length > 0, { what: 'a lock key in Redis' });
    } finally {
      redis.disconnect();
      await w.shutdown();
      await engine.stop();
    }
  });
});
