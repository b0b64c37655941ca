/**
 * config.yaml: read (creating the default file when missing), interpolate `${VAR}`, parse strictly,
 * classify entries (built-in module instance vs local worker) and validate every built-in block
 * against its module's schema — reporting ALL problems at once, each with file, key and line
 * (workers.md §16 steps 1–2, §20).
 */
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { basename } from 'node:path';
import { type Document, isMap, isScalar, isSeq, LineCounter, parseDocument, type YAMLMap } from 'yaml';
import type { EngineModule } from '../../modules/module.ts';
import { EngineError } from '../errors/index.ts';
import { classifyEntries, type EngineEntry, type EntryInfo, type LocalWorkerEntry, type RawEntry } from './config-entries.ts';
import { type InterpolateOptions, interpolateText } from './interpolate.ts';

/** The file `iii` creates when config.yaml is missing (workers.md §16 step 1). */
export const DEFAULT_CONFIG_YAML = `# iii engine configuration.
# Add workers with \`iii worker add <name>\`; a running engine reloads on save.
# Configure workers at runtime through the configuration worker (configuration::set).
workers: []
`;

export type { EngineEntry, LocalWorkerEntry };

const TOP_LEVEL_KEYS = ['workers', 'modules'] as const;

export interface LoadedConfig {
  /** Absolute or caller-relative path of the file read. */
  path: string;
  /** The file's bytes before interpolation (what a line-based edit must preserve). */
  rawText: string;
  /** True when the file did not exist and the default was written. */
  created: boolean;
  engineEntries: EngineEntry[];
  localWorkers: LocalWorkerEntry[];
  /** Every entry with where it sits in the file (used to strip consumed `config:` blocks). */
  entries: EntryInfo[];
  warnings: string[];
}

export interface LoadOptions extends InterpolateOptions {
  /** Modules the engine knows (built-ins plus any extra ones). */
  modules: readonly EngineModule[];
}

/** Read `path` (create the default file if missing) and parse it. Throws coded `EngineError`s. */
export function loadConfigFile(path: string, opts: LoadOptions): LoadedConfig {
  let created = false;
  if (!existsSync(path)) {
    writeFileSync(path, DEFAULT_CONFIG_YAML);
    created = true;
  }
  const rawText = readFileSync(path, 'utf8');
  const parsed = parseConfigText(rawText, { ...opts, file: opts.file ?? basename(path) });
  if (created) parsed.warnings.unshift(`${basename(path)} not found: created ${path}`);
  return { path, rawText, created, ...parsed };
}

export type ParsedConfig = Omit<LoadedConfig, 'path' | 'rawText' | 'created'>;

/** Interpolate, parse and validate config.yaml text. */
export function parseConfigText(rawText: string, opts: LoadOptions): ParsedConfig {
  const file = opts.file ?? 'config.yaml';
  const text = interpolateText(rawText, { ...opts, file });
  const lines = new LineCounter();
  const doc = parseDocument(text, { lineCounter: lines, uniqueKeys: true });
  if (doc.errors.length > 0) {
    const msgs = doc.errors.map((e) => `${file}:${e.linePos?.[0]?.line ?? '?'}:${e.linePos?.[0]?.col ?? '?'}: ${firstLine(e.message)}`);
    throw new EngineError('E_CONFIG_PARSE', msgs.join('\n'));
  }
  const problems: string[] = [];
  const at = (node: { range?: [number, number, number] | null } | null | undefined): string =>
    node?.range ? ` (line ${lines.linePos(node.range[0]).line})` : '';
  const raw = readEntries(doc, file, problems, at);
  const result = classifyEntries(raw, { file, modules: opts.modules, lines, doc });
  problems.push(...result.problems);
  if (problems.length > 0) {
    const code = result.unknownWorkers ? 'E_CONFIG_UNKNOWN_WORKER' : 'E_CONFIG_INVALID';
    throw new EngineError(code, problems.join('\n'), { details: { problems } });
  }
  return { engineEntries: result.engineEntries, localWorkers: result.localWorkers, entries: result.entries, warnings: result.warnings };
}

type At = (node: { range?: [number, number, number] | null } | null | undefined) => string;

/** Check the top level and collect the entries of `workers` then `modules`. */
function readEntries(doc: Document, file: string, problems: string[], at: At): RawEntry[] {
  const root = doc.contents;
  if (!isMap(root)) {
    problems.push(`${file}: the top level must be a mapping with a 'workers' list${at(root)}`);
    return [];
  }
  for (const pair of (root as YAMLMap).items) {
    const key = String((pair.key as { value?: unknown } | null)?.value ?? pair.key);
    if (!(TOP_LEVEL_KEYS as readonly string[]).includes(key))
      problems.push(`${file}: ${key}: unknown top-level key (allowed: ${TOP_LEVEL_KEYS.join(', ')})${at(pair.key as never)}`);
  }
  if (!root.has('workers') && !root.has('modules')) problems.push(`${file}: workers: is required (use 'workers: []' when empty)`);
  const js = (doc.toJS() ?? {}) as Record<string, unknown>;
  const out: RawEntry[] = [];
  for (const section of TOP_LEVEL_KEYS) {
    if (!root.has(section)) continue;
    const seq = root.get(section, true);
    if (!isSeq(seq)) {
      const isNull = isScalar(seq) && seq.value === null;
      problems.push(`${file}: ${section}: must be a list${isNull ? ' (a bare null is rejected; use [])' : ''}${at(seq as never)}`);
      continue;
    }
    const values = (js[section] ?? []) as unknown[];
    seq.items.forEach((node, index) => {
      out.push({ section, index, node, value: values[index] ?? null });
    });
  }
  return out;
}

function firstLine(s: string): string {
  return s.split('\n')[0] ?? s;
}
