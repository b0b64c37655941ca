/**
 * From a parsed config.yaml to what the engine runs: the effective config of each configurable
 * built-in is its persisted `config/<id>.yaml` value when there is a valid one (the source of truth
 * after the first boot), else the config.yaml block, else the module defaults (workers.md §0.3, §9.4).
 */
import { relative, resolve } from 'node:path';
import type { LoadedConfig } from '../core/config/config-file.ts';
import { check, toJsonSchema } from '../core/config/schema.ts';
import type { WorkerEntry } from '../core/engine.ts';
import type { EngineModule, Services } from '../modules/module.ts';
import { readStoredValue, type StoredValue } from './stored-values.ts';

/** Built-ins that read their config.yaml block every boot and never get a `config/<id>.yaml`. */
const NOT_SEEDED = new Set(['configuration', 'iii-worker-manager']);

export interface Configurable {
  module: EngineModule;
  /** The config.yaml block (first-boot seed), if any. */
  block?: Record<string, unknown>;
}

export interface ProjectPlan {
  /** Engine entries, `configuration` first so its service exists before anything else starts. */
  entries: WorkerEntry[];
  /** Configuration id → module, for every configurable built-in that runs. */
  configurable: Map<string, Configurable>;
  /** Absolute and display (`config`) forms of the configuration directory. */
  directory: string;
  displayDir: string;
  warnings: string[];
}

export function isConfigurable(m: EngineModule): boolean {
  if (NOT_SEEDED.has(m.name)) return false;
  const props = toJsonSchema(m.configSchema).properties;
  return typeof props === 'object' && props !== null && Object.keys(props).length > 0;
}

type ConfigStore = Services['configuration'];

/** The configuration worker's directory, as its own schema reads its config.yaml block (defaults included). */
function configDirectory(loaded: LoadedConfig, modules: readonly EngineModule[]): string {
  const block = loaded.entries.find((e) => e.kind === 'builtin' && e.name === 'configuration')?.config;
  const schema = modules.find((m) => m.name === 'configuration')?.configSchema;
  const parsed = schema ? check(schema, block ?? {}) : undefined;
  const dir = parsed?.ok ? (parsed.value as { adapter?: { config?: { directory?: unknown } } }).adapter?.config?.directory : undefined;
  return typeof dir === 'string' ? dir : './config';
}

export function planProject(loaded: LoadedConfig, modules: readonly EngineModule[], projectDir: string, store?: ConfigStore): ProjectPlan {
  const directory = resolve(projectDir, configDirectory(loaded, modules));
  const plan: ProjectPlan = {
    entries: [],
    configurable: new Map(),
    directory,
    displayDir: relative(projectDir, directory) || '.',
    warnings: [],
  };
  const stored = (id: string, m: EngineModule): StoredValue =>
    store ? fromStore(store, id, m) : readStoredValue(directory, plan.displayDir, id, m);
  const add = (instanceName: string, m: EngineModule, block: Record<string, unknown> | undefined): void => {
    let config: unknown = block;
    if (instanceName === m.name && isConfigurable(m)) {
      plan.configurable.set(m.name, block ? { module: m, block } : { module: m });
      const s = stored(m.name, m);
      if (s?.ok) config = s.value;
      else if (s) plan.warnings.push(`${s.problem}\n(stored value ignored; using the config.yaml block or defaults)`);
    }
    plan.entries.push(config === undefined ? { name: instanceName } : { name: instanceName, config });
  };
  for (const e of loaded.entries) if (e.kind === 'builtin' && e.module) add(e.instanceName, e.module, e.config);
  for (const m of new Set(modules)) {
    if (m.mandatory && !plan.entries.some((e) => e.name === m.name)) add(m.name, m, undefined);
  }
  const idx = plan.entries.findIndex((e) => e.name === 'configuration');
  if (idx > 0) plan.entries.unshift(...plan.entries.splice(idx, 1));
  return plan;
}

function fromStore(store: ConfigStore, id: string, m: EngineModule): StoredValue {
  const entry = store.entry(id);
  if (!entry || entry.value === null || entry.value === undefined) return undefined;
  try {
    const value = store.expand(entry, entry.value);
    const r = check(m.configSchema, value);
    return r.ok ? { ok: true, value } : { ok: false, problem: store.problems(id, entry.schema, entry.value).join('\n') };
  } catch (err) {
    return { ok: false, problem: (err as Error).message };
  }
}
