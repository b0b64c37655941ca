/**
 * The mandatory `configuration` worker: a schema-validated registry of named entries, persisted as
 * `<projectDir>/config/<id>.yaml`, the runtime source of truth for every worker's settings (workers.md §9).
 * Other code reaches it through the `configuration` service (the project loader seeds and hot-applies
 * built-in configs through it).
 */
import { relative, resolve } from 'node:path';
import type { EngineModule } from '../module.ts';
import { FsAdapter } from './adapters/fs.ts';
import { type ConfigurationConfig, configurationConfigSchema } from './config.ts';
import { registerConfigurationFunctions } from './functions.ts';
import { ConfigStore } from './store.ts';
import { configurationTriggerType } from './triggers.ts';
import { TtlReaper } from './ttl.ts';

export type { ConfigEntry, ConfigurationEvent, ConfigurationRejection } from './store.ts';
export { ConfigStore } from './store.ts';

declare module '../module.ts' {
  interface Services {
    configuration: ConfigStore;
  }
}

export const configurationModule: EngineModule<ConfigurationConfig> = {
  name: 'configuration',
  displayName: 'Configuration',
  description: 'Schema-validated configuration entries, stored as config/<id>.yaml and hot-reloaded',
  mandatory: true,
  configSchema: configurationConfigSchema,
  create(ctx, config) {
    const directory = resolve(ctx.projectDir, config.adapter.config.directory);
    const adapter = new FsAdapter(directory, ctx.log, config.watch_debounce_ms);
    const store = new ConfigStore(adapter, ctx.log, relative(ctx.projectDir, directory) || '.');
    store.load();
    const disposeFns = registerConfigurationFunctions(ctx.engine, store);
    const reaper = new TtlReaper(store, config.ttl_seconds, ctx.log);
    const trigger = configurationTriggerType(ctx.engine, store, ctx.log, reaper);
    const disposeTrigger = ctx.engine.registerTriggerType(trigger.def);
    const disposeService = ctx.engine.services.provide('configuration', store);
    return {
      start() {
        adapter.watch((changes) => store.applyFileChanges(changes));
      },
      stop() {
        adapter.close();
        reaper.close();
        trigger.dispose();
        disposeService();
        disposeTrigger();
        disposeFns();
      },
    };
  },
};
