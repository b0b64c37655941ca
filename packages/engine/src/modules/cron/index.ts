/**
 * `cron` (alias `iii-cron`): the `cron` trigger type (workers.md §7). Config `config/cron.yaml` (id
 * `cron`) chooses the lock adapter: `kv` (process-local: several engines would each fire) or `redis`
 * (once per tick across engines). An adapter change hot-swaps the lock; jobs keep running.
 */
import { z } from 'zod';
import { check, formatIssues } from '../../core/config/schema.ts';
import { EngineError } from '../../core/errors/index.ts';
import { defineFunction } from '../define-function.ts';
import type { EngineModule, ModuleContext, ModuleInstance } from '../module.ts';
import type { CronLock } from './adapters/cron-lock.ts';
import { createKvLock } from './adapters/kv.ts';
import { createRedisLock, DEFAULT_REDIS_URL } from './adapters/redis.ts';
import { type CronConfig, cronConfigSchema } from './config.ts';
import { CronJobs } from './jobs.ts';

function buildLock(config: Readonly<CronConfig>): CronLock | Promise<CronLock> {
  const { name, config: c } = config.adapter;
  return name === 'redis' ? createRedisLock(c.redis_url ?? DEFAULT_REDIS_URL, c.lock_index) : createKvLock(c.lock_index);
}

/** What identifies a lock adapter: a ttl change alone needs no new connection. */
const lockKey = (c: Readonly<CronConfig>): string =>
  JSON.stringify([c.adapter.name, c.adapter.config.lock_index, c.adapter.config.redis_url]);

async function createCron(ctx: ModuleContext, config: Readonly<CronConfig>): Promise<ModuleInstance> {
  let lock = await buildLock(config);
  let key = lockKey(config);
  const jobs = new CronJobs(ctx.engine, ctx.log, config, lock);
  ctx.engine.registerTriggerType(jobs.typeDef());
  ctx.engine.registerFunction(
    defineFunction({
      id: 'cron::run',
      description: 'Triad: run a cron trigger now (schedule, lock and condition skipped); waits for { job_id, function_id, result }',
      input: z.looseObject({ trigger_id: z.string().min(1).describe('the cron trigger id (engine::registered-triggers::list)') }),
      handler: ({ trigger_id }) => jobs.runNow(trigger_id),
    }),
  );
  return {
    async stop() {
      jobs.clear();
      await lock.close();
    },
    async reconfigure(raw) {
      const parsed = check(cronConfigSchema, raw);
      if (!parsed.ok) throw new EngineError('E_CONFIG_INVALID', formatIssues(parsed.issues));
      const next = lockKey(parsed.value) === key ? lock : await buildLock(parsed.value);
      const old = lock;
      jobs.setConfig(parsed.value, next);
      lock = next;
      key = lockKey(parsed.value);
      if (old !== next) await old.close();
    },
  };
}

export const cronModule: EngineModule<CronConfig> = {
  name: 'cron',
  aliases: ['iii-cron'],
  displayName: 'Cron',
  description: 'Runs functions on cron schedules (seconds first, UTC)',
  configSchema: cronConfigSchema,
  create: createCron,
};
