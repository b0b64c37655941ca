/**
 * Committed `config/<id>.yaml` files carry the description the owning module registers. When they differ,
 * the configuration worker refreshes the file at start, so `npm start` or `npm run start:cluster` would leave
 * a modified tracked file behind in a clean checkout.
 */
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { it } from 'node:test';
import { builtinModules } from '@triad/engine/internal';
import { parse } from 'yaml';

const root = new URL('../..', import.meta.url).pathname;

it('committed config/<id>.yaml descriptions match the modules, so starting leaves the tree clean', () => {
  const files = execFileSync('git', ['ls-files', '*config/*.yaml'], { cwd: root, encoding: 'utf8' }).split('\n').filter(Boolean);
  assert.ok(files.length > 0, 'expected committed config/*.yaml files');
  const stale: string[] = [];
  for (const file of files) {
    const entry = parse(readFileSync(join(root, file), 'utf8')) as { id?: unknown; description?: unknown } | null;
    const module = builtinModules.find((m) => m.name === entry?.id);
    if (!module?.description) continue;
    if (entry?.description !== module.description) {
      stale.push(`${file}: "${String(entry?.description)}" (module says "${module.description}")`);
    }
  }
  assert.deepEqual(stale, []);
});
