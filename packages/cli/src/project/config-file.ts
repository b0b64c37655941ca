/**
 * Read and edit a project's `config.yaml` (workers.md §20) as text, pure.
 *
 * Why text and not a YAML round-trip: users hand-edit this file (comments, blank lines, quoting);
 * `iii worker add/remove` must change exactly the entry concerned and keep every other byte.
 */

import { check, formatIssues, z } from '@triad/engine';
import { parse } from 'yaml';
import { CliError } from '../output/cli-error.ts';

export interface ConfigEntry {
  name: string;
  worker_path?: string;
  image?: string;
  config?: unknown;
}

const entrySchema = z.looseObject({
  name: z.string().min(1),
  worker_path: z.string().optional(),
  image: z.string().optional(),
  config: z.unknown().optional(),
});
const fileSchema = z.looseObject({ workers: z.array(entrySchema).optional(), modules: z.array(entrySchema).optional() });

/** Entries of `workers:` then legacy `modules:`. Environment placeholders are left as written. */
export function readEntries(text: string, file = 'config.yaml'): ConfigEntry[] {
  let raw: unknown;
  try {
    raw = parse(text);
  } catch (err) {
    throw new CliError('E_CONFIG_PARSE', `${file}: ${err instanceof Error ? err.message : String(err)}`);
  }
  const r = check(fileSchema, raw ?? {});
  if (!r.ok) throw new CliError('E_CONFIG_INVALID', formatIssues(r.issues, `${file}: `));
  return [...(r.value.workers ?? []), ...(r.value.modules ?? [])];
}

const ITEM = /^(\s*)-\s+name:\s*["']?([^"'#\s]+)["']?\s*(#.*)?$/;

interface Block {
  /** Index of the `workers:` line. */
  header: number;
  /** Index after the last line of the block. */
  end: number;
  /** Indentation of the `- name:` items. */
  indent: string;
}

function findBlock(lines: readonly string[]): Block | undefined {
  const header = lines.findIndex((l) => /^workers:\s*(#.*)?$/.test(l));
  if (header === -1) return undefined;
  let end = header + 1;
  let lastContent = header;
  for (; end < lines.length; end++) {
    const line = lines[end] ?? '';
    if (/^\S/.test(line) && !line.startsWith('#') && !line.startsWith('-')) break;
    if (line.trim() !== '' && !line.trimStart().startsWith('#')) lastContent = end;
  }
  const item = lines.slice(header + 1, end).find((l) => ITEM.test(l));
  const indent = item ? (ITEM.exec(item)?.[1] ?? '  ') : '  ';
  return { header, end: lastContent + 1, indent };
}

/** Append one entry (`name` first, then the given scalar fields) to the `workers:` list. */
export function appendEntry(text: string, entry: { name: string; worker_path?: string }): string {
  const lines = text.split('\n');
  const fields = Object.entries(entry).filter(([k]) => k !== 'name');
  const render = (indent: string): string[] => [
    `${indent}- name: ${entry.name}`,
    ...fields.map(([k, v]) => `${indent}  ${k}: ${scalar(String(v))}`),
  ];
  const emptyList = lines.findIndex((l) => /^workers:\s*\[\s*\]\s*(#.*)?$/.test(l));
  if (emptyList !== -1) {
    lines.splice(emptyList, 1, 'workers:', ...render('  '));
    return lines.join('\n');
  }
  const block = findBlock(lines);
  if (!block) {
    const body = text.endsWith('\n') || text === '' ? text : `${text}\n`;
    return `${body}workers:\n${render('  ').join('\n')}\n`;
  }
  lines.splice(block.end, 0, ...render(block.indent));
  return lines.join('\n');
}

/** Remove the `- name: <name>` item and its continuation lines; an emptied list becomes `workers: []`. */
export function removeEntry(text: string, name: string): string {
  const lines = text.split('\n');
  const block = findBlock(lines);
  if (!block) return text;
  const start = lines.findIndex((l, i) => i > block.header && i < block.end && ITEM.exec(l)?.[2] === name);
  if (start === -1) return text;
  const itemIndent = (ITEM.exec(lines[start] ?? '')?.[1] ?? '').length;
  // Continuation lines are more indented; blank lines up to the next item go with the removed one.
  let stop = start + 1;
  for (; stop < block.end; stop++) {
    const line = lines[stop] ?? '';
    if (line.trim() !== '' && indentOf(line) <= itemIndent) break;
  }
  lines.splice(start, stop - start);
  const left = lines.slice(block.header + 1, block.end - (stop - start)).some((l) => ITEM.test(l));
  if (!left) lines[block.header] = 'workers: []';
  return lines.join('\n');
}

function indentOf(line: string): number {
  return line.length - line.trimStart().length;
}

/** Plain YAML scalar when it cannot be misread (paths usually), else JSON-quoted. */
function scalar(v: string): string {
  return /^[A-Za-z0-9_/][A-Za-z0-9_./-]*$/.test(v) ? v : JSON.stringify(v);
}
