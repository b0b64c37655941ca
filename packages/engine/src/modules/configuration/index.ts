/**
 * The mandatory `configuration` worker: a schema-validated registry of named entries, persisted as
 * `<projectDir>/config/<id>.yaml`, the runtime source of truth for every worker's settings (workers.md §9).
 * Other code reaches it through the `configuration` service (the project loader seeds and hot-applies
 * built-in configs through it).
 */
import { relative, resolve } from 'node:path';
import { checkBridgeUrl, openLink } from '../../bridge-link/index.ts';
import type { EngineModule, ModuleContext } from '../module.ts';
import { BridgeConfigFiles } from './adapters/bridge.ts';
import type { ConfigFiles } from './adapters/config-files.ts';
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
  async create(ctx, config) {
    const { adapter, displayDir, closeLink } = await openAdapter(ctx, config);
    const store = new ConfigStore(adapter, ctx.log, displayDir);
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
      async stop() {
        adapter.close();
        await closeLink?.();
        reaper.close();
        trigger.dispose();
        disposeService();
        disposeTrigger();
        disposeFns();
      },
    };
  },
};

async function openAdapter(
  ctx: ModuleContext,
  config: ConfigurationConfig,
): Promise<{ adapter: ConfigFiles; displayDir: string; closeLink?: () => Promise<void> }> {
  const c = config.adapter.config;
  if (config.adapter.name === 'fs') {
    const directory = resolve(ctx.projectDir, c.directory);
    return { adapter: new FsAdapter(directory, ctx.log, config.watch_debounce_ms), displayDir: relative(ctx.projectDir, directory) || '.' };
  }
  const url = checkBridgeUrl(c.bridge_url, 'configuration adapter bridge: config.bridge_url');
  const link = openLink(ctx, { name: 'configuration-bridge', url, secret: c.bridge_secret, timeoutMs: c.bridge_timeout_ms });
  const adapter = new BridgeConfigFiles(link, ctx.log, c.id_prefix ?? '');
  await adapter.ready(c.prime_timeout_ms ?? 10_000);
  return { adapter, displayDir: adapter.directory, closeLink: () => link.close() };
}
