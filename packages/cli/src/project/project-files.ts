/** Read/write config.yaml and iii.lock of a project, with the coded errors users see. */
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { CliError } from '../output/cli-error.ts';
import { type LockFile, parseLock, renderLock } from './lock-file.ts';
import type { ProjectPaths } from './paths.ts';

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

export function writeLock(paths: ProjectPaths, lock: LockFile): void {
  writeFileSync(paths.lock, renderLock(lock));
}
