/**
 * Run a project from its config.yaml (workers.md §16 steps 1–7, §9.4):
 * load config.yaml → start the engine → seed `config/<id>.yaml` for each configurable built-in →
 * strip the consumed `config:` blocks → hot-apply edits of `config/<id>.yaml` (via the configuration
 * worker's watcher) and of config.yaml (re-parse + engine reload).
 *
 * More forgiving than the reference: a bad edit of either file is reported (every problem, with file
 * and key) and the engine keeps running with its previous config.
 *
 * Events: `local-workers` (LocalWorkerEntry[]; once after start, then on change), `reloaded`
 * (ReloadReport), `reconfigured` ({ id, config }), `config-error` ({ file, message }).
 */
import { EventEmitter } from 'node:events';
import { readFileSync, writeFileSync } from 'node:fs';
import { basename, dirname, resolve } from 'node:path';
import { type LoadedConfig, type LocalWorkerEntry, loadConfigFile, parseConfigText } from '../core/config/config-file.ts';
import { interpolateText } from '../core/config/interpolate.ts';
import { check, toJsonSchema } from '../core/config/schema.ts';
import { builtinModules } from '../modules/builtins.ts';
import type { EngineModule, Services } from '../modules/module.ts';
import { type RunningEngine, startEngine } from '../start-engine.ts';
import { createLogger, type LogFormat, type Logger, type LogLevel } from '../util/logger.ts';
import { migrateLegacyConfig } from './legacy-config.ts';
import { type ProjectPlan, planProject } from './plan.ts';
import { type StripTarget, stripConfigBlocks } from './strip-config.ts';
import { watchFile } from './watch-file.ts';

/** The project talks to the configuration worker through its service only. */
type ConfigurationService = Services['configuration'];
type ConfigurationEvent = Parameters<Parameters<ConfigurationService['onEvent']>[0]>[0];

export interface StartProjectOptions {
  /** Path to config.yaml (created with the default content when missing). */
  configPath: string;
  logLevel?: LogLevel | 'silent';
  /** `text` (default: $III_LOG_FORMAT, else text) or `json` (one JSON object per line). */
  logFormat?: LogFormat;
  logger?: Logger;
  /** Extra (third-party / test) modules beside the built-ins. */
  modules?: EngineModule[];
  /** Quiet time before a config.yaml edit is applied. */
  debounceMs?: number;
  /** See StartEngineOptions.localWorkerSocket. */
  localWorkerSocket?: string;
}

export interface ConfigErrorEvent {
  file: string;
  message: string;
}

export interface RunningProject extends EventEmitter {
  readonly engine: RunningEngine;
  readonly projectDir: string;
  readonly configPath: string;
  /** Current local workers (entries with `worker_path` / `image`) for the supervisor. */
  readonly localWorkers: LocalWorkerEntry[];
  /** Warnings of the last load (deprecated names, stored values ignored, ...). */
  readonly warnings: string[];
  stop(): Promise<void>;
}

export async function startProject(opts: StartProjectOptions): Promise<RunningProject> {
  const configPath = resolve(opts.configPath);
  const log = opts.logger ?? createLogger('iii', { level: opts.logLevel ?? 'info', ...(opts.logFormat ? { format: opts.logFormat } : {}) });
  const modules = [...builtinModules, ...(opts.modules ?? [])];
  const loaded = loadConfigFile(configPath, { modules });
  const projectDir = dirname(configPath);
  let plan = planProject(loaded, modules, projectDir);
  // Before reading stored values: a legacy ./data/configuration entry is the persisted value too.
  if (migrateLegacyConfig(projectDir, plan.directory, log)) plan = planProject(loaded, modules, projectDir);
  const engine = await startEngine({
    workers: plan.entries,
    projectDir,
    ...(opts.modules ? { modules: opts.modules } : {}),
    ...(opts.logLevel ? { logLevel: opts.logLevel } : {}),
    ...(opts.localWorkerSocket !== undefined ? { localWorkerSocket: opts.localWorkerSocket } : {}),
    logger: log,
  });
  const project = new Project(engine, configPath, projectDir, modules, log);
  try {
    project.afterLoad(loaded, plan);
  } catch (err) {
    await engine.stop();
    throw err;
  }
  project.watch(opts.debounceMs ?? 300);
  setImmediate(() => project.emit('local-workers', project.localWorkers));
  return project;
}

class Project extends EventEmitter implements RunningProject {
  localWorkers: LocalWorkerEntry[] = [];
  warnings: string[] = [];
  private plan: ProjectPlan | undefined;
  private loadedOnce = false;
  private store: ConfigurationService | undefined;
  private offStore: Array<() => void> = [];
  /** config.yaml as last read or written by us: an identical file event is our own echo. */
  private lastText = '';
  private queue: Promise<void> = Promise.resolve();
  private closeWatch: (() => void) | undefined;

  constructor(
    readonly engine: RunningEngine,
    readonly configPath: string,
    readonly projectDir: string,
    private readonly modules: readonly EngineModule[],
    private readonly log: Logger,
  ) {
    super();
  }

  /** Seed, strip and publish after a successful (re)load. */
  afterLoad(loaded: LoadedConfig, plan: ProjectPlan): void {
    this.plan = plan;
    this.warnings = [...loaded.warnings, ...plan.warnings];
    for (const w of this.warnings) this.log.warn(w);
    this.attachStore();
    this.seed(plan);
    this.lastText = this.strip(loaded, plan);
    const changed = JSON.stringify(this.localWorkers) !== JSON.stringify(loaded.localWorkers);
    this.localWorkers = loaded.localWorkers;
    // The first list is emitted by startProject once the caller can listen.
    if (changed && this.loadedOnce) this.emit('local-workers', this.localWorkers);
    this.loadedOnce = true;
  }

  watch(debounceMs: number): void {
    const w = watchFile(
      this.configPath,
      debounceMs,
      () => this.enqueue(() => this.reloadConfigYaml()),
      (err) => this.log.warn('cannot watch config.yaml; edits will not reload', { error: String(err) }),
    );
    this.closeWatch = () => w.close();
  }

  async stop(): Promise<void> {
    this.closeWatch?.();
    for (const off of this.offStore) off();
    await this.queue;
    await this.engine.stop();
  }

  /** The configuration worker may be re-created by a reload: follow the current instance. */
  private attachStore(): void {
    const store = this.engine.api.services.get('configuration');
    if (store === this.store) return;
    for (const off of this.offStore) off();
    this.store = store;
    if (!store) return;
    this.offStore = [
      store.onEvent((ev) => this.onConfigurationEvent(ev)),
      store.onRejected((r) => this.reportError(r.file, r.problems.join('\n'))),
    ];
  }

  /** Register every configurable built-in once per store; the first time, seed its value (workers.md §0.3). */
  private seed(plan: ProjectPlan): void {
    const store = this.store;
    if (!store) return;
    for (const [id, { module, block }] of plan.configurable) {
      store.useTypedSchema(id, module.configSchema);
      const existing = store.entry(id);
      if (existing?.schema) continue;
      const needsSeed = existing?.value === undefined || existing.value === null;
      const seedValue = needsSeed ? check(module.configSchema, block ?? {}) : undefined;
      store.register({
        id,
        name: module.displayName ?? id,
        description: module.description ?? '',
        schema: toJsonSchema(module.configSchema),
        ...(seedValue?.ok ? { initial_value: seedValue.value } : {}),
      });
    }
  }

  /** Replace each consumed `config:` block with the pointer comment; returns the file text now on disk. */
  private strip(loaded: LoadedConfig, plan: ProjectPlan): string {
    const store = this.store;
    const targets: StripTarget[] = [];
    for (const e of loaded.entries) {
      if (!e.configBlock || !store || e.name === 'configuration' || e.name === 'iii-worker-manager') continue;
      const seeded = e.kind === 'builtin' ? plan.configurable.has(e.name) && e.instanceName === e.name : true;
      const value = store.entry(e.name)?.value;
      if (seeded && value !== undefined && value !== null) targets.push({ id: e.name, block: e.configBlock });
    }
    const interpolatedLines = interpolateText(loaded.rawText, { file: basename(this.configPath) }).split('\n').length;
    const r = stripConfigBlocks(loaded.rawText, interpolatedLines, targets, plan.displayDir);
    for (const w of r.warnings) this.log.warn(w);
    if (r.text !== loaded.rawText) {
      writeFileSync(this.configPath, r.text);
      this.log.info(`config.yaml: moved the config of ${r.stripped.join(', ')} to ${plan.displayDir}/`);
    }
    return r.text;
  }

  private onConfigurationEvent(ev: ConfigurationEvent): void {
    // Registration is the seeding path (the engine already runs that config); deletion keeps the running config.
    if (ev.source === 'register' || ev.event_type === 'configuration:deleted') return;
    const id = ev.entry.id;
    if (!this.plan?.configurable.has(id)) return;
    this.enqueue(async () => {
      const store = this.store;
      const entry = store?.entry(id);
      if (!store || !entry) return;
      try {
        const config = store.expand(entry, entry.value);
        await this.engine.reconfigure(id, config);
        this.log.info(`applied ${store.relFile(id)}`);
        this.emit('reconfigured', { id, config });
      } catch (err) {
        this.reportError(store.relFile(id), (err as Error).message);
      }
    });
  }

  private async reloadConfigYaml(): Promise<void> {
    const file = basename(this.configPath);
    let rawText: string;
    try {
      rawText = readFileSync(this.configPath, 'utf8');
    } catch (err) {
      this.reportError(file, `cannot read: ${(err as Error).message}`);
      return;
    }
    if (rawText === this.lastText) return;
    this.lastText = rawText;
    try {
      const parsed = parseConfigText(rawText, { modules: this.modules, file });
      const loaded: LoadedConfig = { path: this.configPath, rawText, created: false, ...parsed };
      const plan = planProject(loaded, this.modules, this.projectDir, this.store);
      const report = await this.engine.reload(plan.entries);
      this.afterLoad(loaded, plan);
      this.log.info('config.yaml reloaded', { ...report });
      this.emit('reloaded', report);
    } catch (err) {
      this.reportError(file, (err as Error).message);
    }
  }

  private reportError(file: string, message: string): void {
    this.log.error(`${file}: edit not applied, the previous config stays:\n${message}`);
    this.emit('config-error', { file, message } satisfies ConfigErrorEvent);
  }

  private enqueue(task: () => Promise<void>): void {
    this.queue = this.queue.then(task, task);
  }
}
