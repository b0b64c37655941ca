/**
 * Admission of HTTP requests by the backlog of queued work on the worker that serves them (issue 10).
 *
 * A worker handles its frames in arrival order. Under a flood of requests (wrk's 64 connections on
 * Linkly's redirect) each queue job of that worker waits behind them at every hop, so a queue with a small
 * `concurrency` (Linkly's `clicks`: 5 jobs in flight) drains slower than the requests fill it, and the
 * backlog only clears once the flood ends. So the engine takes turns: when more than `HIGH_WATER` jobs
 * of a queue served by the route's worker wait for a slot (the `queue-backlog` service), new requests
 * to that route wait here, in the engine, until the backlog is down to `LOW_WATER`; then they all go
 * at once. Each side runs in bursts with everything it has in flight, as efficient as running alone
 * (holding requests to a trickle instead costs a wake-up of every process per request: measured 0.3×
 * the throughput under load). No request waits longer than `MAX_HOLD_MS`; a hold that does not shrink
 * the backlog (jobs waiting on slow I/O, not on CPU) ends and pauses holding for a while (`tick`), and
 * without queued work waiting nothing is ever held.
 *
 * Only requests entering through an `http` trigger wait: the calls a handler makes while it runs
 * (Linkly's `link::resolve`, `state::get`, the enqueue) never do, so nothing admitted waits on what is
 * held. A held request still counts against `default_timeout` (504).
 *
 * `HIGH_WATER`, `LOW_WATER` and `MAX_HOLD_MS` are `queue_admission.{high_water, low_water, max_hold_ms}` in
 * config/http.yaml (defaults 100, 10, 500 ms); `enabled: false` turns holding off.
 */
import type { EngineApi } from '../module.ts';
import type { QueueAdmissionConfig } from './config.ts';

/** How often a held route looks at its worker's backlog again (and at most how often a free one does). */
export const TICK_MS = 10;
/** After a hold that did not shrink the backlog, this many `max_hold_ms` pass before the next can start. */
export const STALL_COOLDOWN = 10;

type Backlog = { waitingFor(workerId: string): number };

declare module '../module.ts' {
  interface Services {
    /** Requests the HTTP worker holds back, per route function (tests, the console). */
    'http-admission': Pick<RouteAdmission, 'heldOf' | 'holding'>;
  }
}

interface Held {
  since: number;
  go: () => void;
}

class Lane {
  holding = false;
  lastTick = Number.NEGATIVE_INFINITY;
  /** The smallest backlog seen while holding, and when it last got smaller. */
  lowest = 0;
  progressAt = 0;
  /** A hold that made no progress: no new hold starts before this. */
  stalledUntil = Number.NEGATIVE_INFINITY;
  readonly held: Held[] = [];
  timer: NodeJS.Timeout | undefined;
}

export class RouteAdmission {
  private readonly lanes = new Map<string, Lane>();

  constructor(
    private readonly engine: Pick<EngineApi, 'getFunction' | 'services'>,
    /** Read on every look, so a config reload applies at once. */
    private readonly options: () => QueueAdmissionConfig,
    private readonly now: () => number = () => performance.now(),
  ) {}

  /** Admit one request to `functionId`: undefined when it may go now (no await on the hot path), else a promise. */
  acquire(functionId: string): Promise<void> | undefined {
    let lane = this.lanes.get(functionId);
    if (!lane) {
      lane = new Lane();
      this.lanes.set(functionId, lane);
    }
    const now = this.now();
    if (now - lane.lastTick >= TICK_MS) this.tick(functionId, lane, now);
    if (!lane.holding) return undefined;
    const held = lane;
    return new Promise((resolve) => {
      held.held.push({ since: now, go: resolve });
      this.arm(functionId, held);
    });
  }

  /** Whether new requests to a route are being held. */
  holding(functionId: string): boolean {
    return this.lanes.get(functionId)?.holding ?? false;
  }

  /** Requests waiting for admission to a route. */
  heldOf(functionId: string): number {
    return this.lanes.get(functionId)?.held.length ?? 0;
  }

  /** Let every held request go and stop the timers (the listener is closing). */
  close(): void {
    for (const lane of this.lanes.values()) {
      clearTimeout(lane.timer);
      for (const h of lane.held.splice(0)) h.go();
    }
    this.lanes.clear();
  }

  /**
   * Look at the backlog: start holding, or let the held requests go (all of them, or those held too long).
   * Holding helps only a queue starved of CPU by the requests; jobs stuck on something else (slow I/O, a
   * blocked handler) do not drain faster for it. So a hold during which the backlog has not shrunk for a
   * whole `max_hold_ms` ends, and none starts again for `STALL_COOLDOWN` holds' time: such a queue costs
   * the route at most one hold per cooldown instead of `max_hold_ms` on every request.
   */
  private tick(functionId: string, lane: Lane, now: number): void {
    lane.lastTick = now;
    const { enabled, high_water, low_water, max_hold_ms } = this.options();
    const waiting = enabled ? this.waitingFor(functionId) : 0;
    if (!lane.holding && waiting > high_water && now >= lane.stalledUntil) {
      lane.holding = true;
      lane.lowest = waiting;
      lane.progressAt = now;
    } else if (lane.holding && waiting <= low_water) lane.holding = false;
    else if (lane.holding && waiting < lane.lowest) {
      lane.lowest = waiting;
      lane.progressAt = now;
    } else if (lane.holding && now - lane.progressAt >= max_hold_ms) {
      lane.holding = false;
      lane.stalledUntil = now + STALL_COOLDOWN * max_hold_ms;
    }
    if (!lane.holding) for (const h of lane.held.splice(0)) h.go();
    else while (lane.held.length > 0 && now - (lane.held[0] as Held).since >= max_hold_ms) lane.held.shift()?.go();
  }

  private waitingFor(functionId: string): number {
    const backlog: Backlog | undefined = this.engine.services.get('queue-backlog');
    if (!backlog) return 0;
    const workerId = this.engine.getFunction(functionId)?.workerId;
    return workerId === undefined ? 0 : backlog.waitingFor(workerId);
  }

  /** While requests are held, look again every tick. */
  private arm(functionId: string, lane: Lane): void {
    if (lane.timer) return;
    lane.timer = setTimeout(() => {
      lane.timer = undefined;
      this.tick(functionId, lane, this.now());
      if (lane.held.length > 0) this.arm(functionId, lane);
    }, TICK_MS);
    // Not unref'd: it runs only while requests wait, and they are what the process is there for.
  }
}
