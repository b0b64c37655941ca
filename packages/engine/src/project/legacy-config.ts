/**
 * Older engines kept configuration entries in `./data/configuration`. The project loader moves them to
 * the configuration directory once, before it reads stored values (so the legacy value is the persisted
 * one from the first boot), never overwriting an entry the new directory already has.
 */
import { existsSync, mkdirSync, readdirSync, renameSync } from 'node:fs';
import { join, resolve } from 'node:path';
import type { Logger } from '../util/logger.ts';

/** Only a project on the default directory (`./config`) inherits the legacy entries. True when any moved. */
export function migrateLegacyConfig(projectDir: string, directory: string, log: Logger): boolean {
  const legacyDir = join(projectDir, 'data', 'configuration');
  if (directory !== resolve(projectDir, 'config') || !existsSync(legacyDir)) return false;
  let moved = false;
  mkdirSync(directory, { recursive: true });
  for (const name of readdirSync(legacyDir)) {
    if (!name.endsWith('.yaml')) continue;
    if (existsSync(join(directory, name))) log.warn(`legacy configuration file ${name} skipped: ${directory} already has it`);
    else {
      renameSync(join(legacyDir, name), join(directory, name));
      moved = true;
    }
  }
  return moved;
}
