/**
 * `iii.lock` (workers.md §21.2), pure. Triad writes only `type: engine` entries for its built-ins;
 * other entries found in the file are kept as they are. Workers are serialized in sorted order.
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

export function withEngineWorker(lock: LockFile, name: string, version: string): LockFile {
  return { ...lock, workers: { ...lock.workers, [name]: { version, type: 'engine', dependencies: {} } } };
}

export function withoutWorker(lock: LockFile, name: string): LockFile {
  const { [name]: _gone, ...workers } = lock.workers;
  return { ...lock, workers };
}

export function renderLock(lock: LockFile): string {
  const { version, workers, ...rest } = lock;
  return stringify({ version, ...rest, workers: sortKeysDeep(workers) });
}

function isRecord(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}
