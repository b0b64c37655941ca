/**
 * The seam between the CLI and the engine's project runner (`startProject`: load config.yaml, start
 * the engine, seed/strip/hot-reload, report local-worker entries). The CLI sees only this handle.
 */

import { consoleModule } from '@triad/console';
import { type LocalFunction, type LogFormat, type LogLevel, startProject } from '@triad/engine';
import type { LocalEntry } from './supervisor.ts';

export interface ProjectHandle {
  /** Names of entries Triad cannot run (OCI `image:` workers), current list. */
  imageWorkers(): string[];
  /** Listener addresses: `worker` (ws://…), `worker-unix` (ws+unix://…:/), `http`, `stream`, `console`, … */
  addresses(): Readonly<Record<string, string>>;
  /** Current local workers, then every change. */
  localWorkers(): LocalEntry[];
  /** The main listener's engine secret (config `secret` or $III_ENGINE_SECRET), if it has one. */
  workerSecret(): string | undefined;
  onLocalWorkers(listener: (entries: LocalEntry[]) => void): void;
  /** Names of the workers connected to the engine now, and a call on every connect, rename or disconnect. */
  connectedNames(): string[];
  onConnectionsChanged(listener: () => void): void;
  /** An in-process function on the engine (the `iii::worker::*` control functions). */
  registerFunction(def: LocalFunction): void;
  stop(): Promise<void>;
}

export async function startProjectHandle(
  configPath: string,
  logLevel: LogLevel | 'silent',
  logFormat: LogFormat = 'text',
  localWorkerSocket?: string,
): Promise<ProjectHandle> {
  // The console lives in its own package (the engine does not depend on it): the CLI adds it, so
  // `- name: console` in config.yaml starts it with the engine.
  const project = await startProject({
    configPath,
    logLevel,
    logFormat,
    modules: [consoleModule],
    ...(localWorkerSocket !== undefined ? { localWorkerSocket } : {}),
  });
  return {
    addresses: () => project.engine.addresses,
    localWorkers: () => toEntries(project.localWorkers),
    workerSecret: () => project.engine.api.services.get('worker-secret')?.secret,
    imageWorkers: () => project.localWorkers.filter((e) => e.image !== undefined && e.worker_path === undefined).map((e) => e.name),
    onLocalWorkers: (listener) => project.on('local-workers', (payload: unknown) => listener(toEntries(payload))),
    connectedNames: () =>
      (project.engine.api.services.get('introspection')?.workers() ?? [])
        .map((w) => w.name)
        .filter((n): n is string => typeof n === 'string'),
    onConnectionsChanged: (listener) => {
      for (const event of ['worker:connected', 'worker:updated', 'worker:disconnected'] as const)
        project.engine.api.on(event, () => listener());
    },
    registerFunction: (def) => {
      project.engine.api.registerFunction(def);
    },
    stop: () => project.stop(),
  };
}

/** `[{ name, worker_path, config }]` → LocalEntry[]; entries without a worker_path (images) are not ours. */
export function toEntries(payload: unknown): LocalEntry[] {
  if (!Array.isArray(payload)) return [];
  const out: LocalEntry[] = [];
  for (const item of payload) {
    if (typeof item !== 'object' || item === null) continue;
    const { name, worker_path, config } = item as Record<string, unknown>;
    if (typeof name !== 'string' || typeof worker_path !== 'string') continue;
    out.push({ name, worker_path, ...(config !== undefined ? { config } : {}) });
  }
  return out;
}
