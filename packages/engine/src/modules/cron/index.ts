/**
 * `cron` (alias `iii-cron`): the `cron` trigger type (workers.md §7). Config `config/cron.yaml` (id
 * `cron`) chooses the lock adapter; only `kv` (process-local) exists, so several engines would each fire.
 */
import { formatIssues } from '../../core/config/schema.ts';
import { EngineError } from '../../core/errors/index.ts';
import type { EngineModule, ModuleContext, ModuleInstance } from '../module.ts';
import { type CronConfig, cronConfigSchema } from './config.ts';
import { CronJobs } from './jobs.ts';

function createCron(ctx: ModuleContext, config: Readonly<CronConfig>): ModuleInstance {
  const jobs = new CronJobs(ctx.engine, ctx.log, config);
  ctx.engine.registerTriggerType(jobs.typeDef());
  return {
    stop() {
      jobs.clear();
    },
    reconfigure(raw) {
      const parsed = cronConfigSchema.parse(raw);
      if (!parsed.ok) throw new EngineError('E_CONFIG_INVALID', formatIssues(parsed.issues));
      // Lock settings apply from the next tick; running jobs keep their timers.
      jobs.setConfig(parsed.value);
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
