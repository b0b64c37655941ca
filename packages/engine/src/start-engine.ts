/** `startEngine`: the engine as an embedder (the CLI, tests, benches) starts it. */
import { Engine, type ReloadReport, type WorkerEntry } from './core/engine.ts';
import { builtinModules } from './modules/builtins.ts';
import type { EngineApi, EngineModule } from './modules/module.ts';
import { createLogger, type LogFormat, type Logger, type LogLevel } from './util/logger.ts';

export interface StartEngineOptions {
  /** config.yaml `workers:` entries, already interpolated. Mandatory modules are added when missing. */
  workers?: WorkerEntry[];
  /** Base for relative paths (`./data/...`); defaults to the current directory. */
  projectDir?: string;
  /** Extra (third-party) modules, registered beside the built-ins. */
  modules?: EngineModule[];
  logLevel?: LogLevel | 'silent';
  /** `text` (default: $III_LOG_FORMAT, else text) or `json` (one JSON object per line). */
  logFormat?: LogFormat;
  logger?: Logger;
  /**
   * Also open this Unix socket (absolute path) on the main worker listener when it has no `rbac` and no
   * `unix_socket` of its own; published as `addresses['worker-unix']` (`ws+unix://<path>:/`).
   */
  localWorkerSocket?: string;
}

export interface RunningEngine {
  /** Where listeners ended up: `worker`, `http`, `stream`, ... */
  readonly addresses: Readonly<Record<string, string>>;
  /** The engine API (as a module sees it), for embedding and tests. */
  readonly api: EngineApi;
  /** Known module names (for error messages, `iii worker add`). */
  knownWorkers(): string[];
  reload(entries: WorkerEntry[]): Promise<ReloadReport>;
  reconfigure(instanceName: string, config: unknown): Promise<void>;
  stop(): Promise<void>;
}

export async function startEngine(opts: StartEngineOptions = {}): Promise<RunningEngine> {
  const log = opts.logger ?? createLogger('iii', { level: opts.logLevel ?? 'info', ...(opts.logFormat ? { format: opts.logFormat } : {}) });
  const engine = new Engine([...builtinModules, ...(opts.modules ?? [])], {
    projectDir: opts.projectDir,
    log,
    localWorkerSocket: opts.localWorkerSocket,
  });
  await engine.start(opts.workers ?? []);
  const api = engine.core.apiFor('embedder', []);
  let stopped: Promise<void> | undefined;
  return {
    addresses: engine.addresses,
    api,
    knownWorkers: () => engine.knownNames(),
    reload: (entries) => engine.reload(entries),
    reconfigure: (name, config) => engine.reconfigure(name, config),
    stop: () => {
      stopped ??= engine.stop();
      return stopped;
    },
  };
}
