/**
 * A local worker's version, from the package file of its language: `package.json` `version`,
 * `pyproject.toml` `[project] version`, or `Cargo.toml` `[package] version`. Used by `iii worker list`
 * and `iii.lock`.
 */
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';

export function localWorkerVersion(dir: string): string | undefined {
  return (
    packageJsonVersion(join(dir, 'package.json')) ??
    tomlVersion(join(dir, 'pyproject.toml'), 'project') ??
    tomlVersion(join(dir, 'Cargo.toml'), 'package')
  );
}

function packageJsonVersion(file: string): string | undefined {
  if (!existsSync(file)) return undefined;
  try {
    const v = (JSON.parse(readFileSync(file, 'utf8')) as { version?: unknown }).version;
    return typeof v === 'string' ? v : undefined;
  } catch {
    return undefined;
  }
}

/** `version = "x"` inside `[table]` (enough TOML for the two files scaffolds write; no dependency on a TOML parser). */
function tomlVersion(file: string, table: string): string | undefined {
  if (!existsSync(file)) return undefined;
  let current = '';
  for (const line of readFileSync(file, 'utf8').split('\n')) {
    const header = /^\s*\[([^\]]+)\]\s*(#.*)?$/.exec(line);
    if (header) current = (header[1] ?? '').trim();
    else if (current === table) {
      const m = /^\s*version\s*=\s*["']([^"']+)["']/.exec(line);
      if (m) return m[1];
    }
  }
  return undefined;
}
