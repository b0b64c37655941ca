/**
 * `iii.lock` (workers.md §21.2), pure. It lists every worker of config.yaml (the reference lists only
 * what it downloaded): built-ins as `type: engine`, local folders as `type: local` with their
 * `worker_path` and package version, OCI images as `type: image`. Workers are serialized in sorted order.
 */
import { parse, stringify } from 'yaml';
import { CliError } from '../output/cli-error.ts';
import { sortKeysDeep } from '../output/render.ts';

export interface LockFile {
  version: number;
  workers: Record<string, unknown>;
  [key: string]: unknown;
}

export function parseLock(text: string | undefined): LockFile {
  if (text === undefined || text.trim() === '') return { version: 1, workers: {} };
  let raw: unknown;
  try {
    raw = parse(text);
  } catch (err) {
    throw new CliError('E_CONFIG_PARSE', `iii.lock: ${err instanceof Error ? err.message : String(err)}`);
  }
  if (typeof raw !== 'object' || raw === null || Array.isArray(raw)) throw new CliError('E_CONFIG_INVALID', 'iii.lock: must be a mapping');
  const lock = raw as Record<string, unknown>;
  const workers = lock.workers;
  return { ...lock, version: typeof lock.version === 'number' ? lock.version : 1, workers: isRecord(workers) ? workers : {} };
}

/** One config.yaml entry as the lock records it (undefined: a name Triad cannot run, left out). */
export type LockedWorker =
  | { name: string; type: 'engine'; version: string }
  | { name: string; type: 'local'; version: string; worker_path: string }
  | { name: string; type: 'image'; version: string; image: string };

/** The lock for exactly these workers; top-level keys of the old lock (e.g. `manifest_hash`) are kept. */
export function lockFor(lock: LockFile, workers: readonly LockedWorker[]): LockFile {
  const out: Record<string, unknown> = {};
  for (const w of workers) {
    if (w.type === 'engine') out[w.name] = { version: w.version, type: 'engine', dependencies: {} };
    else if (w.type === 'local') out[w.name] = { version: w.version, type: 'local', worker_path: w.worker_path, dependencies: {} };
    else out[w.name] = { version: w.version, type: 'image', source: { kind: 'image', image: w.image }, dependencies: {} };
  }
  return { ...lock, workers: out };
}

export function renderLock(lock: LockFile): string {
  const { version, workers, ...rest } = lock;
  return stringify({ version, ...rest, workers: sortKeysDeep(workers) });
}

function isRecord(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}
