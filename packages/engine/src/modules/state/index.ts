/**
 * `state` (alias `iii-state`): server-side key/value store addressed by scope + key, with change
 * triggers (workers.md §2). Storage is the shared kv library (`../kv`, the one allowed cross-module import).
 */
import { join } from 'node:path';
import { openLink } from '../../bridge-link/index.ts';
import { check, formatIssues } from '../../core/config/schema.ts';
import { openKvBackend } from '../../kv/index.ts';
import type { EngineModule, ModuleInstance } from '../module.ts';
import { type StateConfig, stateConfigSchema } from './config.ts';
import { stateFunctions } from './functions.ts';
import { StateTriggers, stateEventOf } from './triggers.ts';

export const stateModule: EngineModule<StateConfig> = {
  name: 'state',
  aliases: ['iii-state'],
  displayName: 'State',
  description: 'Key/value state addressed by scope and key, with change triggers',
  configSchema: stateConfigSchema,
  async create(ctx, initial): Promise<ModuleInstance> {
    let config = initial;
    const kv = await openKvBackend(config.adapter, {
      baseDir: ctx.projectDir,
      defaultDir: join(ctx.dataDir, 'state'),
      saveIntervalMs: config.save_interval_ms,
      log: ctx.log,
      shared: { namespace: 'state', connectErrorCode: 'E_STATE_REDIS_CONNECT' },
      bridge: { kind: 'state', open: (c) => openLink(ctx, { name: 'state-bridge', ...c }) },
    });
    const triggers = new StateTriggers(ctx.engine, ctx.log);
    // Every change to the store, made on this engine or another sharing it, fires this engine's triggers once.
    kv.feed.subscribe((change) => {
      const event = stateEventOf(change);
      if (event && config.triggers_enabled) triggers.fire(event);
    });
    for (const f of stateFunctions({ store: () => kv.store, maxValueBytes: () => config.max_value_bytes })) ctx.engine.registerFunction(f);
    ctx.engine.registerTriggerType(triggers.typeDef());
    ctx.log.debug('state store ready', { adapter: config.adapter.name });
    return {
      stop: () => kv.close(),
      reconfigure(raw) {
        const r = check(stateConfigSchema, raw);
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
