#!/usr/bin/env node
// Fails when runtime imports form a cycle (type-only imports are ignored: they vanish at run time).
// A dependency-free stand-in for `madge --circular`, run by `npm test`.
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { dirname, join, relative, resolve } from 'node:path';

const root = new URL('..', import.meta.url).pathname;
const skip = new Set(['node_modules', 'dist', 'data', 'test-output', '.git']);
const files = [];
(function walk(dir) {
  for (const name of readdirSync(dir)) {
    if (skip.has(name)) continue;
    const p = join(dir, name);
    if (statSync(p).isDirectory()) walk(p);
    else if (name.endsWith('.ts') && !name.endsWith('.d.ts')) files.push(p);
  }
})(join(root, 'packages'));

const importRe = /^\s*(import|export)\s+(?!type\b)([^'"]*?)\s*from\s*['"](\.[^'"]+)['"]/gm;
const graph = new Map();
for (const f of files) {
  const src = readFileSync(f, 'utf8');
  const deps = [];
  for (const m of src.matchAll(importRe)) {
    const clause = m[2];
    // `import { type A, type B } from` is type-only too
    if (
      /^\{[^}]*\}$/.test(clause.trim()) &&
      clause
        .replace(/[{}\s]/g, '')
        .split(',')
        .every((x) => x === '' || x.startsWith('type'))
    )
      continue;
    deps.push(resolve(dirname(f), m[3]));
  }
  graph.set(f, deps);
}

const state = new Map(); // 1 = visiting, 2 = done
const stack = [];
const cycles = [];
function visit(f) {
  state.set(f, 1);
  stack.push(f);
  for (const d of graph.get(f) ?? []) {
    if (!graph.has(d)) continue;
    if (state.get(d) === 1) cycles.push([...stack.slice(stack.indexOf(d)), d].map((x) => relative(root, x)).join(' → '));
    else if (!state.has(d)) visit(d);
  }
  stack.pop();
  state.set(f, 2);
}
for (const f of graph.keys()) if (!state.has(f)) visit(f);
if (cycles.length) {
  console.error(`import cycles (${cycles.length}):\n${cycles.map((c) => `  ${c}`).join('\n')}`);
  process.exit(1);
}
console.log(`no import cycles in ${files.length} files`);
