import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { EngineApi } from '../module.ts';
import { RouteAdmission, STALL_COOLDOWN, TICK_MS } from './admission.ts';
import { httpConfigSchema, type QueueAdmissionConfig } from './config.ts';

const DEFAULTS = httpConfigSchema.parse({}).queue_admission;
const { high_water: HIGH_WATER, low_water: LOW_WATER, max_hold_ms: MAX_HOLD_MS } = DEFAULTS;

/** An engine whose route function `f` runs on worker `w1`, with a queue backlog the test sets per worker. */
function fixture(opts: { service?: boolean; admission?: Partial<QueueAdmissionConfig> } = {}) {
  const backlog: Record<string, number> = { w1: 0, w2: 0 };
  const clock = { now: 0 };
  const engine = {
    getFunction: (id: string) => (id === 'f' ? { id, workerName: 'link', workerId: 'w1' } : undefined),
    services: {
      get: (name: string) =>
        name === 'queue-backlog' && opts.service !== false ? { waitingFor: (w: string) => backlog[w] ?? 0 } : undefined,
      provide: () => () => {},
    },
  } as unknown as Pick<EngineApi, 'getFunction' | 'services'>;
  const options = { ...DEFAULTS, ...opts.admission };
  const admission = new RouteAdmission(
    engine,
    () => options,
    () => clock.now,
  );
  return { admission, backlog, clock };
}

describe('http admission by queue backlog', () => {
  it('never holds a request while no queue work waits, or without the queue worker', () => {
    const { admission, clock } = fixture();
    for (let i = 0; i < 1000; i++) {
      clock.now += 1;
      assert.equal(admission.acquire('f'), undefined);
    }
    const bare = fixture({ service: false });
    bare.backlog.w1 = 10_000;
    assert.equal(bare.admission.acquire('f'), undefined);
  });

  it('enabled: false never holds, whatever the backlog; thresholds come from the config', () => {
    const off = fixture({ admission: { enabled: false } });
    off.backlog.w1 = 10_000;
    for (let i = 0; i < 100; i++) {
      off.clock.now += TICK_MS;
      assert.equal(off.admission.acquire('f'), undefined);
    }
    const low = fixture({ admission: { high_water: 3, low_water: 1 } });
    low.backlog.w1 = 4;
    assert.ok(low.admission.acquire('f'), 'held above a configured high_water of 3');
    low.admission.close();
  });

  it('config: defaults 100 / 10 / 500 ms, on; low_water must be below high_water, every problem listed', () => {
    assert.deepEqual(DEFAULTS, { enabled: true, high_water: 100, low_water: 10, max_hold_ms: 500 });
    const bad = httpConfigSchema.safeParse({ queue_admission: { high_water: 5, low_water: 5, max_hold_ms: -1 } });
    assert.equal(bad.success, false);
    const paths = bad.error?.issues.map((i) => i.path.join('.')).sort();
    assert.deepEqual(paths, ['queue_admission.low_water', 'queue_admission.max_hold_ms']);
    const order = httpConfigSchema.safeParse({ queue_admission: { high_water: 5, low_water: 5 } });
    assert.deepEqual(
      order.error?.issues.map((i) => [i.path.join('.'), i.message]),
      [['queue_admission.low_water', 'low_water must be below high_water']],
    );
  });

  it('ignores a backlog on another worker', () => {
    const { admission, backlog, clock } = fixture();
    backlog.w2 = 10_000;
    for (let i = 0; i < 100; i++) {
      clock.now += TICK_MS;
      assert.equal(admission.acquire('f'), undefined);
    }
  });

  it('holds new requests from HIGH_WATER down to LOW_WATER, then lets them all go in arrival order', async () => {
    const { admission, backlog, clock } = fixture();
    backlog.w1 = HIGH_WATER;
    assert.equal(admission.acquire('f'), undefined, 'at HIGH_WATER requests still go');
    backlog.w1 = HIGH_WATER + 1;
    clock.now += TICK_MS;
    const order: number[] = [];
    const held = Array.from({ length: 5 }, (_, i) => admission.acquire('f')?.then(() => order.push(i)));
    assert.ok(held.every((p) => p !== undefined));
    assert.equal(admission.heldOf('f'), 5);
    // Draining, still above LOW_WATER: still holding.
    backlog.w1 = LOW_WATER + 1;
    clock.now += TICK_MS;
    assert.ok(admission.acquire('f'));
    assert.equal(admission.heldOf('f'), 6);
    // Caught up: the next look releases everyone held, first come first served.
    backlog.w1 = LOW_WATER;
    clock.now += TICK_MS;
    assert.equal(admission.acquire('f'), undefined);
    assert.equal(admission.holding('f'), false);
    await Promise.all(held);
    assert.deepEqual(order, [0, 1, 2, 3, 4]);
  });

  it('lets a request go after MAX_HOLD_MS while the queue drains but has not caught up', async () => {
    const { admission, backlog, clock } = fixture();
    backlog.w1 = 10 * HIGH_WATER;
    const first = admission.acquire('f');
    assert.ok(first);
    clock.now += MAX_HOLD_MS / 2;
    backlog.w1 -= 1; // draining, far from LOW_WATER
    const second = admission.acquire('f');
    assert.ok(second);
    let secondWent = false;
    void second.then(() => {
      secondWent = true;
    });
    clock.now += MAX_HOLD_MS / 2;
    // The next timer tick sees the first one overdue (the clock is the test's; the timer is real).
    await first;
    assert.equal(secondWent, false, 'held for half of MAX_HOLD_MS only');
    assert.equal(admission.holding('f'), true);
    admission.close();
    await second;
  });

  it('a hold that does not shrink the backlog ends, and none starts again for STALL_COOLDOWN holds', () => {
    const { admission, backlog, clock } = fixture();
    try {
      backlog.w1 = 10 * HIGH_WATER; // stuck: its jobs wait on something other than the engine's CPU
      assert.ok(admission.acquire('f'));
      clock.now += MAX_HOLD_MS - TICK_MS;
      assert.ok(admission.acquire('f'));
      assert.equal(admission.holding('f'), true, 'not yet a whole hold without progress');
      clock.now += TICK_MS;
      assert.equal(admission.acquire('f'), undefined, 'a whole hold without progress: requests go');
      assert.equal(admission.holding('f'), false);
      assert.equal(admission.heldOf('f'), 0, 'and the held ones went with it');
      for (let t = 50; t < STALL_COOLDOWN * MAX_HOLD_MS; t += 50) {
        clock.now += 50;
        assert.equal(admission.acquire('f'), undefined, `no hold during the cooldown (${t} ms in)`);
      }
      clock.now += 50;
      assert.ok(admission.acquire('f'), 'after the cooldown a backlog above HIGH_WATER holds again');
    } finally {
      admission.close();
    }
  });

  it('close lets every held request go', async () => {
    const { admission, backlog } = fixture();
    backlog.w1 = HIGH_WATER + 1;
    const held = Array.from({ length: 3 }, () => admission.acquire('f'));
    assert.equal(admission.heldOf('f'), 3);
    admission.close();
    await Promise.all(held);
  });
});
