/**
 * Trigger type `cron` (workers.md §7, protocol.md §4.2.2): one timer per binding.
 *
 * Each job sleeps until its next fire time, computed from the schedule itself (never `now + period`, so
 * no drift accumulates), takes the lock, evaluates the condition, then fires the handler void-style with
 * `{trigger:'cron', job_id, scheduled_time, actual_time}` and the binding metadata. When the process was
 * busy past several fire times, only the one slept for fires (late); the rest are skipped.
 */
import { check, formatIssues, toJsonSchema } from '../../core/config/schema.ts';
import { EngineError } from '../../core/errors/index.ts';
import type { Logger } from '../../util/logger.ts';
import type { EngineApi, TriggerInstance, TriggerTypeDef } from '../module.ts';
import type { CronLock } from './adapters/cron-lock.ts';
import { type CronConfig, cronTriggerConfigSchema } from './config.ts';
import { type CronSchedule, nextAfter, parseCron } from './expression.ts';

/** setTimeout's ceiling (~24.8 days); farther fire times are reached in several hops. */
const MAX_TIMER_MS = 2 ** 31 - 1;

export interface CronPayload {
  trigger: 'cron';
  job_id: string;
  scheduled_time: string;
  actual_time: string;
}

interface Job {
  id: string;
  functionId: string;
  schedule: CronSchedule;
  condition: string | undefined;
  metadata: unknown;
  timer: NodeJS.Timeout | undefined;
  stopped: boolean;
}

/** RFC 3339 in the shape chrono's `to_rfc3339()` prints (`+00:00`, fraction only when non-zero). */
export function rfc3339(d: Date): string {
  const iso = d.toISOString();
  return `${iso.endsWith('.000Z') ? iso.slice(0, -5) : iso.slice(0, -1)}+00:00`;
}

export class CronJobs {
  private readonly jobs = new Map<string, Job>();
  constructor(
    private readonly engine: EngineApi,
    private readonly log: Logger,
    private config: Readonly<CronConfig>,
    private lock: CronLock,
  ) {}

  typeDef(): TriggerTypeDef {
    return {
      id: 'cron',
      description: 'Fires on a cron schedule (6 or 7 fields, seconds first, UTC)',
      configuration_schema: toJsonSchema(cronTriggerConfigSchema),
      register: (t) => this.add(t),
      unregister: (t) => this.remove(t.id),
    };
  }

  /** Swap config and lock adapter; running timers are kept (a tick racing the swap may be skipped). */
  setConfig(config: Readonly<CronConfig>, lock: CronLock): void {
    this.config = config;
    this.lock = lock;
  }

  get size(): number {
    return this.jobs.size;
  }

  private add(t: TriggerInstance): void {
    const r = check(cronTriggerConfigSchema, t.config ?? {});
    if (!r.ok) throw new EngineError('trigger_registration_failed', `invalid cron trigger config: ${formatIssues(r.issues)}`);
    if (this.jobs.has(t.id)) throw new EngineError('trigger_registration_failed', `cron job ${t.id} is already registered`);
    const schedule = parseCron(r.value.expression);
    const job: Job = {
      id: t.id,
      functionId: t.function_id,
      schedule,
      condition: r.value.condition_function_id || undefined,
      metadata: t.metadata,
      timer: undefined,
      stopped: false,
    };
    this.jobs.set(t.id, job);
    this.arm(job, new Date());
  }

  private remove(id: string): void {
    const job = this.jobs.get(id);
    if (!job) return;
    this.jobs.delete(id);
    job.stopped = true;
    clearTimeout(job.timer);
  }

  /** Stop every job (module stop). */
  clear(): void {
    for (const id of [...this.jobs.keys()]) this.remove(id);
  }

  /**
   * Fire job `id` once, now, and wait for the function's result (`cron::run`, the console's "Run now").
   * An explicit order: the schedule, the lock and the condition are not consulted, and the timer keeps
   * its next fire time. The payload is the usual one with `scheduled_time` = `actual_time` = now.
   */
  async runNow(id: string): Promise<{ job_id: string; function_id: string; result: unknown }> {
    const job = this.jobs.get(id);
    if (!job)
      throw new EngineError('E_CRON_JOB_NOT_FOUND', `no cron trigger '${id}' is registered (engine::registered-triggers::list lists them)`);
    const now = rfc3339(new Date());
    const payload: CronPayload = { trigger: 'cron', job_id: job.id, scheduled_time: now, actual_time: now };
    const result = await this.engine.invoke(job.functionId, payload, job.metadata === undefined ? {} : { metadata: job.metadata });
    return { job_id: job.id, function_id: job.functionId, result: result ?? null };
  }

  /** Sleep until the first fire time strictly after `from`. */
  private arm(job: Job, from: Date): void {
    const next = nextAfter(job.schedule, from);
    if (!next) {
      this.log.info('cron job has no fire time left; it stays registered but idle', { job_id: job.id, expression: job.schedule.source });
      return;
    }
    this.sleepUntil(job, next);
  }

  private sleepUntil(job: Job, at: Date): void {
    const delay = at.getTime() - Date.now();
    const hop = Math.min(Math.max(delay, 0), MAX_TIMER_MS);
    job.timer = setTimeout(() => {
      if (job.stopped) return;
      // Long waits come in hops, and a timer may wake a millisecond early: never fire before `at`.
      if (Date.now() < at.getTime()) this.sleepUntil(job, at);
      else void this.fire(job, at);
    }, hop);
    // A schedule alone must not keep the process alive; the listeners do that.
    job.timer.unref();
  }

  private async fire(job: Job, scheduled: Date): Promise<void> {
    const actual = new Date();
    // Re-arm from now (never before `scheduled`): fire times already passed while busy are skipped.
    this.arm(job, actual);
    const lock = this.lock;
    const tick = scheduled.getTime();
    if (!(await this.tryLock(lock, job, tick))) return;
    try {
      const payload: CronPayload = { trigger: 'cron', job_id: job.id, scheduled_time: rfc3339(scheduled), actual_time: rfc3339(actual) };
      if (!(await this.conditionPasses(job, payload)) || job.stopped) return;
      this.engine.invokeVoid(job.functionId, payload, job.metadata === undefined ? {} : { metadata: job.metadata });
    } finally {
      await lock
        .release(job.id, tick)
        .catch((err: unknown) => this.log.warn('cron lock release failed', { job_id: job.id, error: String(err) }));
    }
  }

  private async tryLock(lock: CronLock, job: Job, tick: number): Promise<boolean> {
    try {
      if (await lock.acquire(job.id, tick, this.config.adapter.config.lock_ttl_ms)) return true;
      this.log.debug('cron tick skipped: lock held elsewhere', { job_id: job.id });
    } catch (err) {
      this.log.warn('cron tick skipped: lock adapter failed', { job_id: job.id, error: String(err) });
    }
    return false;
  }

  private async conditionPasses(job: Job, payload: CronPayload): Promise<boolean> {
    if (!job.condition) return true;
    try {
      // Only an exact `false` skips; null/absent/anything else passes.
      return (await this.engine.invoke(job.condition, payload)) !== false;
    } catch (err) {
      this.log.warn('cron condition failed; run skipped', { job_id: job.id, condition: job.condition, error: (err as Error).message });
      return false;
    }
  }
}
