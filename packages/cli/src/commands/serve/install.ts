/**
 * Install-once for local workers (workers.md §22.2 step 2). Install is skipped when a previous one
 * succeeded for the same inputs (marker `.iii/prepared` holding the fingerprint of iii.worker.yaml and
 * the package files) or when the worker's dependencies already resolve from its folder (node_modules
 * up the tree, or $NODE_PATH): no network when nothing is missing. Editing the manifest or a package
 * file after an install makes the next start install again.
 */
import { createHash } from 'node:crypto';
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { delimiter, dirname, join } from 'node:path';
import { MANIFEST_FILE, type Manifest } from '../../project/manifest.ts';

/** The files whose content decides what gets installed. */
export const INSTALL_INPUTS = [MANIFEST_FILE, 'package.json', 'pyproject.toml', 'requirements.txt', 'Cargo.toml'] as const;

export function markerPath(dir: string): string {
  return join(dir, '.iii', 'prepared');
}

/** sha256 over the install inputs present in `dir` (name + content of each). */
export function inputsFingerprint(dir: string): string {
  const hash = createHash('sha256');
  for (const file of INSTALL_INPUTS) {
    const path = join(dir, file);
    if (existsSync(path)) hash.update(`${file}\0`).update(readFileSync(path)).update('\0');
  }
  return `sha256:${hash.digest('hex')}`;
}

export function writeMarker(dir: string): void {
  mkdirSync(join(dir, '.iii'), { recursive: true });
  writeFileSync(markerPath(dir), `${inputsFingerprint(dir)}\n`);
}

/** Why install is needed, or undefined when it can be skipped. */
export function installReason(dir: string, manifest: Manifest, env: NodeJS.ProcessEnv): string | undefined {
  if (!manifest.scripts.install && !manifest.scripts.setup) return undefined;
  if (existsSync(markerPath(dir))) {
    const recorded = readFileSync(markerPath(dir), 'utf8').trim();
    return recorded === inputsFingerprint(dir)
      ? undefined
      : `${INSTALL_INPUTS.filter((f) => existsSync(join(dir, f))).join(' or ')} changed since the last install`;
  }
  const deps = packageDeps(dir);
  if (deps === undefined) return 'first start';
  const missing = deps.filter((d) => !resolvesFrom(dir, d, env));
  return missing.length === 0 ? undefined : `missing ${missing.join(', ')}`;
}

/** Runtime dependency names from package.json; undefined when there is no package.json. */
export function packageDeps(dir: string): string[] | undefined {
  const file = join(dir, 'package.json');
  if (!existsSync(file)) return undefined;
  try {
    const pkg = JSON.parse(readFileSync(file, 'utf8')) as { dependencies?: unknown };
    return typeof pkg.dependencies === 'object' && pkg.dependencies !== null ? Object.keys(pkg.dependencies) : [];
  } catch {
    return undefined;
  }
}

/** Node's lookup: `<dir>/node_modules/<dep>` for dir and each ancestor, then $NODE_PATH entries. */
export function resolvesFrom(start: string, dep: string, env: NodeJS.ProcessEnv): boolean {
  for (let dir = start; ; dir = dirname(dir)) {
    if (existsSync(join(dir, 'node_modules', dep, 'package.json'))) return true;
    if (dirname(dir) === dir) break;
  }
  const extra = (env.NODE_PATH ?? '').split(delimiter).filter(Boolean);
  return extra.some((p) => existsSync(join(p, dep, 'package.json')));
}
