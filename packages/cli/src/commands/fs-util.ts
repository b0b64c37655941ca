/** Small filesystem helpers shared by the scaffolding commands. */

import { randomUUID } from 'node:crypto';
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import type { OptionSpec } from '../args.ts';

/** `-d/--directory` and `--allow-non-empty`, shared by `project init` and `worker init`. */
export const SCAFFOLD_OPTIONS: readonly OptionSpec[] = [
  {
    name: 'directory',
    short: 'd',
    type: 'string',
    value: '<DIR>',
    description: 'Target directory (default: NAME, else the current directory)',
  },
  { name: 'allow-non-empty', type: 'boolean', description: 'Scaffold into a directory that already has files' },
];

/** Empty apart from dotfiles (`.git/` and friends are tolerated, as in the reference). */
export function isEffectivelyEmpty(dir: string): boolean {
  if (!existsSync(dir)) return true;
  return readdirSync(dir).every((name) => name.startsWith('.'));
}

/** Read `key=value` from a small ini file (missing file/key → undefined). */
export function iniValue(file: string, key: string): string | undefined {
  if (!existsSync(file)) return undefined;
  const line = readFileSync(file, 'utf8')
    .split('\n')
    .find((l) => l.startsWith(`${key}=`));
  return line?.slice(key.length + 1).trim() || undefined;
}

/** A stable id: the one already recorded in `file`, else a fresh UUID. */
export function stableId(file: string, key: string): string {
  return iniValue(file, key) ?? randomUUID();
}
