/**
 * Comments cite the wire contract and the built-in workers as `protocol.md §N` / `workers.md §N`. Every such
 * citation must name a section that exists in docs/protocol.md or docs/workers.md, and a bare `§N` must say
 * which file it means (an RFC is fine), so a reader can always follow it.
 */
import assert from 'node:assert/strict';
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join, relative } from 'node:path';
import { it } from 'node:test';

const root = new URL('../..', import.meta.url).pathname;
const SKIP = new Set(['node_modules', 'dist', 'data', 'test-output', '.git', 'fixtures']);
const CITED_DOCS = ['protocol.md', 'workers.md'] as const;

function sectionsOf(doc: string): Set<string> {
  const text = readFileSync(join(root, 'docs', doc), 'utf8');
  return new Set([...text.matchAll(/^#{2,4} (\d+(?:\.\d+)*)\.? /gm)].map((m) => m[1] as string));
}

function sourceFiles(dir: string, out: string[] = []): string[] {
  for (const name of readdirSync(dir)) {
    if (SKIP.has(name)) continue;
    const p = join(dir, name);
    if (statSync(p).isDirectory()) sourceFiles(p, out);
    else if (/\.(ts|js|md|ya?ml)$/.test(name)) out.push(p);
  }
  return out;
}

/** `[file, line, citation, problem]` for every citation that does not resolve. */
function unresolved(): string[] {
  const sections = new Map(CITED_DOCS.map((d) => [d, sectionsOf(d)]));
  const files = [
    ...['packages', 'linkly', 'test', 'bench', 'scripts', 'docs'].flatMap((d) => sourceFiles(join(root, d))),
    join(root, 'README.md'),
  ];
  const problems: string[] = [];
  for (const file of files) {
    const rel = relative(root, file);
    const own = CITED_DOCS.find((d) => rel === `docs/${d}`);
    readFileSync(file, 'utf8')
      .split('\n')
      .forEach((line, i) => {
        let doc: string | undefined = own;
        for (const m of line.matchAll(/([\w-]+\.md)|(RFC \d+)|§(\d+(?:\.\d+)*)/g)) {
          if (m[1] || m[2]) {
            doc = m[1] ?? 'RFC';
            continue;
          }
          const where = `${rel}:${i + 1}: §${m[3]}`;
          if (doc === 'RFC') continue;
          if (!doc) problems.push(`${where} names no file`);
          else if (!sections.has(doc as (typeof CITED_DOCS)[number]))
            problems.push(`${where} cites ${doc}, which has no numbered sections`);
          else if (!sections.get(doc as (typeof CITED_DOCS)[number])?.has(m[3] as string))
            problems.push(`${where} is not a section of docs/${doc}`);
        }
      });
  }
  return problems;
}

it('every protocol.md / workers.md § citation resolves to a section of docs/', () => {
  assert.deepEqual(unresolved(), []);
});
