/**
 * `state` (alias `iii-state`): server-side key/value store addressed by scope + key, with change
 * triggers (workers.md §2). Storage is the shared kv library (`../kv`, the one allowed cross-module import).
 */
import { join } from 'node:path';
import { formatIssues } from '../../core/config/schema.ts';
import { type KvStore, openKv } from '../../kv/index.ts';
import type { EngineModule, ModuleInstance } from '../module.ts';
import { type StateConfig, stateConfigSchema } from './config.ts';
import { stateFunctions } from './functions.ts';
import { StateTriggers } from './triggers.ts';

export const stateModule: EngineModule<StateConfig> = {
  name: 'state',
  aliases: ['iii-state'],
  displayName: 'State',
  description: 'Key/value state addressed by scope and key, with change triggers',
  configSchema: stateConfigSchema,
  async create(ctx, initial): Promise<ModuleInstance> {
    let config = initial;
    const adapterCfg = config.adapter.config;
    const store: KvStore = await openKv(adapterCfg, {
      baseDir: ctx.projectDir,
      defaultDir: join(ctx.dataDir, 'state'),
      saveIntervalMs: config.save_interval_ms,
      log: ctx.log,
    });
    const triggers = new StateTriggers(ctx.engine, ctx.log);
    const deps = {
      store: () => store,
      maxValueBytes: () => config.max_value_bytes,
      emit: (e: Parameters<StateTriggers['fire']>[0]) => {
        if (config.triggers_enabled) triggers.fire(e);
      },
    };
    for (const f of stateFunctions(deps)) ctx.engine.registerFunction(f);
    ctx.engine.registerTriggerType(triggers.typeDef());
    ctx.log.debug('state store ready', { store_method: adapterCfg.store_method });
    return {
      stop: () => store.close(),
      reconfigure(raw) {
        const r = stateConfigSchema.parse(raw);
        if (!r.ok) {
          ctx.log.warn(`state config rejected; keeping the previous one\n${formatIssues(r.issues)}`);
          return;
        }
        if (JSON.stringify(r.value.adapter) !== JSON.stringify(config.adapter))
          ctx.log.warn('state adapter changes apply at the next start');
        // triggers_enabled and max_value_bytes are live; the adapter stays as opened.
        config = { ...r.value, adapter: config.adapter };
      },
    };
  },
};
