/**
 * Packages are used by name: nothing reaches into another package's code by relative path
 * (`../engine/src/...`), so `@triad/engine`, `@triad/engine/internal`, `@triad/console` and
 * `@triad/cli[/internal]` (package.json `exports`) stay the only doors. tsc refuses deep imports by
 * name; this catches the relative ones it cannot see.
 */
import assert from 'node:assert/strict';
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { dirname, join, relative, resolve } from 'node:path';
import { it } from 'node:test';

const root = new URL('../..', import.meta.url).pathname;
const SKIP = new Set(['node_modules', 'dist', 'data', 'test-output', '.git', 'fixtures']);
const SPECIFIER = /(?:\bfrom\s*|\bimport\s*\(?\s*)['"](\.{1,2}\/[^'"]+)['"]/g;

function sourceFiles(dir: string, out: string[] = []): string[] {
  for (const name of readdirSync(dir)) {
    if (SKIP.has(name)) continue;
    const p = join(dir, name);
    if (statSync(p).isDirectory()) sourceFiles(p, out);
    else if (/\.(ts|js)$/.test(name)) out.push(p);
  }
  return out;
}

/** The package (`packages/<name>`) a repo path belongs to, or undefined outside packages/. */
function packageOf(path: string): string | undefined {
  return /^packages\/([^/]+)\//.exec(relative(root, path))?.[1];
}

/** The package whose code (`src/`, `bin/`) a path is; test helpers of a package may be shared. */
function codeOf(path: string): string | undefined {
  return /^packages\/([^/]+)\/(?:src|bin)\//.exec(relative(root, path))?.[1];
}

it("no file imports another package's code by relative path", () => {
  const problems: string[] = [];
  for (const file of ['packages', 'bench', 'test', 'scripts', 'linkly'].flatMap((d) => sourceFiles(join(root, d)))) {
    const from = packageOf(file);
    for (const m of readFileSync(file, 'utf8').matchAll(SPECIFIER)) {
      const target = codeOf(resolve(dirname(file), m[1] as string));
      if (target !== undefined && target !== from)
        problems.push(`${relative(root, file)}: ${m[1]} (import packages/${target} by its name)`);
    }
  }
  assert.deepEqual(problems, []);
});
