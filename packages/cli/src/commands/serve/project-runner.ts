/**
 * The seam between the CLI and the engine's project runner (`startProject` in
 * packages/engine/src/project/start-project.ts): load config.yaml, start the engine, watch and
 * hot-reload, and report the local-worker entries (`'local-workers'` events).
 *
 * The shape is checked at runtime once, here, so the rest of the CLI works with a typed handle.
 */
import { CliError } from '../../output/cli-error.ts';
import type { LocalEntry } from './supervisor.ts';

export interface ProjectHandle {
  /** Listener addresses: `worker` (ws://…), `http`, `stream`, `console`, … */
  addresses(): Readonly<Record<string, string>>;
  onLocalWorkers(listener: (entries: LocalEntry[]) => void): void;
  stop(): Promise<void>;
}

interface RawHandle {
  addresses?: unknown;
  engine?: { addresses?: unknown };
  on?: (event: string, listener: (payload: unknown) => void) => unknown;
  stop: () => Promise<void>;
}

const MODULE = '../../../../engine/src/project/start-project.ts';

export async function startProjectHandle(configPath: string, logLevel: string): Promise<ProjectHandle> {
  // Imported by name at run time so the CLI still loads (and its other commands work) without it.
  const mod = (await import(MODULE)) as { startProject?: unknown };
  if (typeof mod.startProject !== 'function') throw new CliError('E_INTERNAL', 'engine has no startProject()');
  const raw = (await (mod.startProject as (o: unknown) => Promise<unknown>)({ configPath, logLevel })) as RawHandle;
  if (typeof raw !== 'object' || raw === null || typeof raw.stop !== 'function')
    throw new CliError('E_INTERNAL', 'startProject() returned no handle');
  return {
    addresses: () => asStringRecord(raw.addresses ?? raw.engine?.addresses),
    onLocalWorkers: (listener) => raw.on?.call(raw, 'local-workers', (payload) => listener(toEntries(payload))),
    stop: () => raw.stop(),
  };
}

function asStringRecord(v: unknown): Record<string, string> {
  if (typeof v !== 'object' || v === null) return {};
  return Object.fromEntries(Object.entries(v).filter((e): e is [string, string] => typeof e[1] === 'string'));
}

/** `[{ name, worker_path, config }]` → LocalEntry[]; malformed items are dropped. */
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
