/** Read/write config.yaml and iii.lock of a project, with the coded errors users see. */
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { CliError } from '../output/cli-error.ts';
import { BUILTINS, DEPRECATED, ENGINE_WORKER_VERSION, MANDATORY } from './catalog.ts';
import { readEntries } from './config-file.ts';
import { type LockedWorker, type LockFile, lockFor, parseLock, renderLock } from './lock-file.ts';
import { type ProjectPaths, resolveWorkerPath } from './paths.ts';
import { localWorkerVersion } from './worker-version.ts';

export function readConfigText(paths: ProjectPaths): string {
  if (!existsSync(paths.config))
    throw new CliError(
      'E_CLI_NO_CONFIG',
      `no config file at ${paths.config}`,
      'run `iii project init` first, or pass -c <path/to/config.yaml>',
    );
  return readFileSync(paths.config, 'utf8');
}

export function writeConfigText(paths: ProjectPaths, text: string): void {
  writeFileSync(paths.config, text);
}

export function readLock(paths: ProjectPaths): LockFile {
  return parseLock(existsSync(paths.lock) ? readFileSync(paths.lock, 'utf8') : undefined);
}

/**
 * Make iii.lock list every worker of this config.yaml text (written only when that changes it).
 * Returns whether the file was written.
 */
export function syncLock(paths: ProjectPaths, configText: string): boolean {
  const seen = new Set<string>();
  const workers: LockedWorker[] = [];
  for (const e of readEntries(configText, paths.config)) {
    if (seen.has(e.name)) continue;
    seen.add(e.name);
    const locked = lockedWorker(paths, e);
    if (locked) workers.push(locked);
  }
  const text = renderLock(lockFor(readLock(paths), workers));
  if (existsSync(paths.lock) && readFileSync(paths.lock, 'utf8') === text) return false;
  writeFileSync(paths.lock, text);
  return true;
}

function lockedWorker(paths: ProjectPaths, e: { name: string; worker_path?: string; image?: string }): LockedWorker | undefined {
  if (e.worker_path !== undefined) {
    const version = localWorkerVersion(resolveWorkerPath(paths.dir, e.worker_path)) ?? '0.0.0';
    return { name: e.name, type: 'local', version, worker_path: e.worker_path };
  }
  if (e.image !== undefined) return { name: e.name, type: 'image', version: imageTag(e.image), image: e.image };
  if (MANDATORY.has(e.name) || BUILTINS.has(e.name) || e.name in DEPRECATED)
    return { name: e.name, type: 'engine', version: ENGINE_WORKER_VERSION };
  return undefined;
}

/** `ghcr.io/org/w:1.2` → `1.2`; no tag → `latest`. */
function imageTag(ref: string): string {
  const last = ref.slice(ref.lastIndexOf('/') + 1);
  const at = last.indexOf('@');
  const named = at === -1 ? last : last.slice(0, at);
  const colon = named.indexOf(':');
  return colon === -1 ? 'latest' : named.slice(colon + 1);
}
