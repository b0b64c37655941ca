/**
 * The Engine: resolves config entries to modules, validates every config at once, then creates and starts
 * module instances in config order (modules marked `startsLast`, the worker listeners, after the rest) and
 * stops them in reverse. Also applies reloads (added / removed / changed entries) and single-instance
 * reconfiguration.
 */
import { mkdirSync } from 'node:fs';
import { join, resolve } from 'node:path';
import type { Disposer, EngineModule, ModuleContext, ModuleInstance } from '../modules/module.ts';
import type { Logger } from '../util/logger.ts';
import { check, formatIssues, type Issue } from './config/schema.ts';
import { workerHostFor } from './connection.ts';
import { EngineCore } from './engine-core.ts';
import { EngineError } from './errors/index.ts';
import { installIntrospection } from './introspection.ts';
import type { WorkerHost } from './worker-host.ts';

export interface WorkerEntry {
  name: string;
  config?: unknown;
}

interface Planned {
  instanceName: string;
  module: EngineModule;
  config: unknown;
  raw: unknown;
}

interface Running extends Planned {
  instance: ModuleInstance;
  disposers: Disposer[];
  /** Address labels this instance published (removed when it stops). */
  labels: string[];
}

export interface ReloadReport {
  added: string[];
  removed: string[];
  changed: string[];
}

export class Engine {
  readonly core: EngineCore;
  readonly addresses: Record<string, string> = {};
  private readonly modules = new Map<string, EngineModule>();
  private running: Running[] = [];
  private readonly projectDir: string;
  private readonly workerHost: WorkerHost;

  constructor(
    modules: readonly EngineModule[],
    opts: { projectDir?: string; log: Logger; localWorkerSocket?: string | undefined },
    private readonly log = opts.log,
  ) {
    this.projectDir = resolve(opts.projectDir ?? process.cwd());
    this.core = new EngineCore(opts.log.child('core'));
    const host = workerHostFor(this.core);
    this.workerHost = opts.localWorkerSocket === undefined ? host : { ...host, localSocket: opts.localWorkerSocket };
    installIntrospection(this.core, () => this.running.map((r) => r.instanceName));
    for (const m of modules) this.use(m);
  }

  /** Register a module (built-in or third-party) under its name and aliases. */
  use(module: EngineModule): void {
    for (const name of [module.name, ...(module.aliases ?? [])]) {
      const existing = this.modules.get(name);
      if (existing && existing !== module) throw new EngineError('E_CONFIG_INVALID', `two modules claim the name '${name}'`);
      this.modules.set(name, module);
    }
  }

  /** Canonical names of every known module (for error messages and the CLI). */
  knownNames(): string[] {
    return [...new Set([...this.modules.values()].map((m) => m.name))].sort();
  }

  moduleFor(name: string): EngineModule | undefined {
    return this.modules.get(name.replace(/#\d+$/, ''));
  }

  async start(entries: readonly WorkerEntry[]): Promise<void> {
    const plan = this.plan(entries);
    // Modules that accept workers start after all others, so a worker that connects the moment the port
    // opens finds every built-in function (`state::get`, ...) already registered.
    const ordered = [...plan.filter((p) => !p.module.startsLast), ...plan.filter((p) => p.module.startsLast)];
    try {
      for (const p of ordered) await this.startOne(p);
    } catch (err) {
      await this.stop();
      throw err;
    }
  }

  async stop(): Promise<void> {
    const all = this.running.reverse();
    this.running = [];
    for (const r of all) await this.stopOne(r);
    this.core.table.dropAll();
    this.core.channels.close();
  }

  /** Apply a new entry list: changed → reconfigure (or restart), removed → stop, added → start. */
  async reload(entries: readonly WorkerEntry[]): Promise<ReloadReport> {
    const plan = this.plan(entries);
    const report: ReloadReport = { added: [], removed: [], changed: [] };
    const byName = new Map(this.running.map((r) => [r.instanceName, r]));
    const wanted = new Set(plan.map((p) => p.instanceName));
    for (const p of plan) {
      const cur = byName.get(p.instanceName);
      if (cur && cur.module === p.module && JSON.stringify(cur.config) !== JSON.stringify(p.config)) {
        await this.applyConfig(cur, p.config);
        report.changed.push(p.instanceName);
      }
    }
    for (const r of [...this.running].reverse()) {
      if (wanted.has(r.instanceName)) continue;
      this.running = this.running.filter((x) => x !== r);
      await this.stopOne(r);
      report.removed.push(r.instanceName);
    }
    for (const p of plan) {
      if (this.running.some((r) => r.instanceName === p.instanceName)) continue;
      await this.startOne(p);
      report.added.push(p.instanceName);
    }
    return report;
  }

  /** Validate and apply a new config for one running instance (hot reload of config/<name>.yaml). */
  async reconfigure(instanceName: string, raw: unknown): Promise<void> {
    const r = this.running.find((x) => x.instanceName === instanceName);
    if (!r) throw new EngineError('E_CONFIG_UNKNOWN_WORKER', `no running worker named '${instanceName}'`);
    const parsed = check(r.module.configSchema, raw ?? {});
    if (!parsed.ok)
      throw new EngineError('E_CONFIG_INVALID', `${instanceName}: invalid config\n${formatIssues(parsed.issues, `${instanceName}.`)}`, {
        details: { issues: parsed.issues },
      });
    await this.applyConfig(r, parsed.value);
  }

  runningInstances(): ReadonlyArray<{ instanceName: string; module: EngineModule; config: unknown }> {
    return this.running;
  }

  private async applyConfig(r: Running, config: unknown): Promise<void> {
    if (r.instance.reconfigure) {
      await r.instance.reconfigure(config);
      r.config = config;
      return;
    }
    const idx = this.running.indexOf(r);
    await this.stopOne(r);
    const next = await this.create({ ...r, config });
    this.running[idx] = next;
    await next.instance.start?.();
  }

  /** Resolve names, add mandatory modules, number duplicates, validate every config; report all problems at once. */
  private plan(entries: readonly WorkerEntry[]): Planned[] {
    const issues: Issue[] = [];
    const seen = new Map<string, number>();
    const plan: Planned[] = [];
    const all = [...entries];
    for (const m of new Set(this.modules.values())) {
      if (m.mandatory && !all.some((e) => this.moduleFor(e.name) === m)) all.push({ name: m.name });
    }
    all.forEach((entry, i) => {
      const module = this.moduleFor(entry.name);
      if (!module) {
        issues.push({ path: `workers[${i}].name`, message: `unknown worker '${entry.name}' (known: ${this.knownNames().join(', ')})` });
        return;
      }
      const n = seen.get(module.name) ?? 0;
      seen.set(module.name, n + 1);
      const instanceName = n === 0 ? module.name : `${module.name}#${n}`;
      const parsed = check(module.configSchema, entry.config ?? {}, `workers[${i}] (${module.name}).config`);
      if (!parsed.ok) issues.push(...parsed.issues);
      else plan.push({ instanceName, module, config: parsed.value, raw: entry.config });
    });
    for (const p of plan) {
      for (const dep of p.module.dependsOn ?? []) {
        if (!plan.some((q) => q.module.name === dep))
          issues.push({ path: p.instanceName, message: `needs the '${dep}' worker; add it to config.yaml (iii worker add ${dep})` });
      }
    }
    if (issues.length > 0) {
      const unknown = issues.some((i) => i.message.startsWith('unknown worker'));
      throw new EngineError(unknown ? 'E_CONFIG_UNKNOWN_WORKER' : 'E_CONFIG_INVALID', `invalid configuration:\n${formatIssues(issues)}`, {
        details: { issues },
      });
    }
    return plan;
  }

  private async create(p: Planned): Promise<Running> {
    const disposers: Disposer[] = [];
    const labels: string[] = [];
    const log = this.log.child(p.instanceName);
    const ctx: ModuleContext = {
      instanceName: p.instanceName,
      engine: this.core.apiFor(p.instanceName, disposers),
      log,
      projectDir: this.projectDir,
      get dataDir() {
        return join(this.projectDir, 'data');
      },
      workerHost: this.workerHost,
      publishAddress: (label, url) => {
        // First publisher of a label owns it; the owner may update it (e.g. after a live rebind).
        if (label in this.addresses && !labels.includes(label)) return;
        this.addresses[label] = url;
        if (!labels.includes(label)) labels.push(label);
      },
    };
    try {
      const instance = await p.module.create(ctx, p.config as never);
      return { ...p, instance, disposers, labels };
    } catch (err) {
      for (const d of disposers.reverse()) d();
      throw new EngineError('E_MODULE_START', `worker '${p.instanceName}' failed to start: ${causeText(err)}`, { cause: err });
    }
  }

  private async startOne(p: Planned): Promise<void> {
    const r = await this.create(p);
    this.running.push(r);
    try {
      await r.instance.start?.();
    } catch (err) {
      throw new EngineError('E_MODULE_START', `worker '${p.instanceName}' failed to start: ${causeText(err)}`, { cause: err });
    }
    this.log.debug('worker started', { worker: p.instanceName });
  }

  private async stopOne(r: Running): Promise<void> {
    try {
      await r.instance.stop?.();
    } catch (err) {
      this.log.warn('worker failed to stop cleanly', { worker: r.instanceName, error: String(err) });
    }
    for (const d of r.disposers.reverse()) d();
    for (const label of r.labels) delete this.addresses[label];
  }
}

export function ensureDir(dir: string): string {
  mkdirSync(dir, { recursive: true });
  return dir;
}

/** The cause's message, led by its code when it has one (the code is what a user can look up in docs/errors.md). */
function causeText(err: unknown): string {
  if (err instanceof EngineError) return `${err.code}: ${err.message}`;
  return err instanceof Error ? err.message : String(err);
}
