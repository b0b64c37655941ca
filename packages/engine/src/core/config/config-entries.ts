/**
 * Classify and validate config.yaml entries: built-in module instances (aliases resolved, repeated
 * names numbered `name#1`…) vs local workers (`worker_path` / `image`). Every problem is collected,
 * each naming the file, the entry (`workers[2] (http)`), the key and the line.
 */
import type { Document, LineCounter } from 'yaml';
import type { EngineModule } from '../../modules/module.ts';
import { check } from './schema.ts';

const ENTRY_KEYS = ['name', 'config', 'image', 'worker_path'];

export interface EngineEntry {
  /** Instance name: the canonical module name, `name#1`, `name#2`… for repeated entries. */
  name: string;
  config?: Record<string, unknown>;
}

export interface LocalWorkerEntry {
  name: string;
  worker_path?: string;
  image?: string;
  config?: Record<string, unknown>;
}

export interface RawEntry {
  section: 'workers' | 'modules';
  index: number;
  node: unknown;
  value: unknown;
}

/** Where a `config:` block sits in the file (1-based lines), for the line-based strip of workers.md §9.4. */
export interface ConfigBlockLocation {
  keyLine: number;
  /** 1-based column of the `config` key: the comment replacing the block goes at this indentation. */
  keyCol: number;
  endLine: number;
}

export interface EntryInfo {
  section: 'workers' | 'modules';
  index: number;
  /** The name as written (may be a deprecated alias). */
  writtenName: string;
  /** Canonical module name for built-ins, the written name for local workers. */
  name: string;
  /** Engine instance name (`name`, `name#1`, …); equals `name` for local workers. */
  instanceName: string;
  kind: 'builtin' | 'local';
  module?: EngineModule;
  config?: Record<string, unknown>;
  configBlock?: ConfigBlockLocation;
}

export interface ClassifyResult {
  engineEntries: EngineEntry[];
  localWorkers: LocalWorkerEntry[];
  entries: EntryInfo[];
  warnings: string[];
  problems: string[];
  unknownWorkers: boolean;
}

interface Ctx {
  file: string;
  modules: readonly EngineModule[];
  lines: LineCounter;
  doc: Document;
}

export function classifyEntries(raw: readonly RawEntry[], ctx: Ctx): ClassifyResult {
  const res: ClassifyResult = { engineEntries: [], localWorkers: [], entries: [], warnings: [], problems: [], unknownWorkers: false };
  const byName = moduleIndex(ctx.modules);
  const counts = new Map<string, number>();
  const spelled = new Map<string, Set<string>>();
  for (const entry of raw) {
    const info = classifyOne(entry, ctx, byName, res);
    if (!info) continue;
    if (info.kind === 'builtin') {
      const n = counts.get(info.name) ?? 0;
      counts.set(info.name, n + 1);
      info.instanceName = n === 0 ? info.name : `${info.name}#${n}`;
      spelled.set(info.name, (spelled.get(info.name) ?? new Set()).add(info.writtenName));
      res.engineEntries.push({ name: info.instanceName, ...(info.config ? { config: info.config } : {}) });
    }
    res.entries.push(info);
  }
  for (const [name, spellings] of spelled) {
    if (spellings.size > 1)
      res.problems.push(
        `${ctx.file}: Duplicate worker configurations: ${[...spellings].map((x) => `'${x}'`).join(' and ')} are the same worker '${name}'; keep only '${name}'`,
      );
  }
  return res;
}

function moduleIndex(modules: readonly EngineModule[]): Map<string, EngineModule> {
  const map = new Map<string, EngineModule>();
  for (const m of modules) {
    map.set(m.name, m);
    for (const a of m.aliases ?? []) if (!map.has(a)) map.set(a, m);
  }
  return map;
}

function classifyOne(entry: RawEntry, ctx: Ctx, byName: Map<string, EngineModule>, res: ClassifyResult): EntryInfo | undefined {
  const where = `${ctx.file}: ${entry.section}[${entry.index}]`;
  const line = lineSuffix(ctx, [entry.section, entry.index]);
  const v = entry.value;
  if (typeof v !== 'object' || v === null || Array.isArray(v)) {
    res.problems.push(`${where}: must be a mapping with a 'name'${line}`);
    return undefined;
  }
  const obj = v as Record<string, unknown>;
  const name = obj.name;
  if (typeof name !== 'string' || name.trim() === '') {
    res.problems.push(`${where}.name: is required and must be a non-empty string${line}`);
    return undefined;
  }
  const label = `${where} (${name})`;
  for (const key of Object.keys(obj))
    if (!ENTRY_KEYS.includes(key))
      res.problems.push(
        `${label}.${key}: unknown key (allowed: ${ENTRY_KEYS.join(', ')})${lineSuffix(ctx, [entry.section, entry.index, key])}`,
      );
  const config = readConfig(obj.config, label, ctx, entry, res);
  for (const key of ['image', 'worker_path'] as const)
    if (obj[key] !== undefined && typeof obj[key] !== 'string')
      res.problems.push(`${label}.${key}: must be a string${lineSuffix(ctx, [entry.section, entry.index, key])}`);
  const base = {
    section: entry.section,
    index: entry.index,
    writtenName: name,
    ...(config ? { config } : {}),
    ...locateConfigBlock(ctx, entry),
  };
  const module = byName.get(name);
  if (typeof obj.worker_path === 'string' || typeof obj.image === 'string') {
    if (module && typeof obj.image === 'string')
      res.problems.push(`${label}.image: not allowed on the built-in worker '${module.name}'${line}`);
    res.localWorkers.push({ name, ...pick(obj, 'worker_path'), ...pick(obj, 'image'), ...(config ? { config } : {}) });
    return { ...base, name, instanceName: name, kind: 'local' };
  }
  if (!module) {
    const known = [...new Set([...byName.values()].map((m) => m.name))].sort();
    res.problems.push(
      `${label}: unknown worker '${name}' (known built-ins: ${known.join(', ') || 'none'}; a local worker needs 'worker_path', an OCI worker 'image')${line}`,
    );
    res.unknownWorkers = true;
    return undefined;
  }
  if (name !== module.name) res.warnings.push(`${label}: '${name}' is deprecated, use '${module.name}'${line}`);
  validateConfig(module, config, label, ctx, entry, res);
  return { ...base, name: module.name, instanceName: module.name, kind: 'builtin', module };
}

function readConfig(value: unknown, label: string, ctx: Ctx, entry: RawEntry, res: ClassifyResult): Record<string, unknown> | undefined {
  // `config:` with nothing after it parses as null: same as no block.
  if (value === undefined || value === null) return undefined;
  if (typeof value === 'object' && !Array.isArray(value)) return value as Record<string, unknown>;
  res.problems.push(`${label}.config: must be a mapping${lineSuffix(ctx, [entry.section, entry.index, 'config'])}`);
  return undefined;
}

function validateConfig(
  module: EngineModule,
  config: Record<string, unknown> | undefined,
  label: string,
  ctx: Ctx,
  entry: RawEntry,
  res: ClassifyResult,
): void {
  const r = check(module.configSchema, config ?? {});
  if (r.ok) return;
  for (const issue of r.issues) {
    const parts = issue.path === '' ? [] : issue.path.split('.');
    const key = parts.length === 0 ? 'config' : `config.${issue.path}`;
    const path = [entry.section, entry.index, 'config', ...parts.map((p) => (/^\d+$/.test(p) ? Number(p) : p))];
    res.problems.push(`${label}.${key}: ${issue.message}${lineSuffix(ctx, path)}`);
  }
}

/** ` (line N)` for the deepest existing node on `path`, or '' when nothing on it has a position. */
function lineSuffix(ctx: Ctx, path: (string | number)[]): string {
  for (let n = path.length; n > 0; n--) {
    const node = ctx.doc.getIn(path.slice(0, n), true) as { range?: [number, number, number] } | undefined;
    if (node?.range) return ` (line ${ctx.lines.linePos(node.range[0]).line})`;
  }
  return '';
}

function locateConfigBlock(ctx: Ctx, entry: RawEntry): { configBlock?: ConfigBlockLocation } {
  const map = entry.node as { items?: Array<{ key?: { value?: unknown; range?: number[] }; value?: { range?: number[] } | null }> };
  const pair = map.items?.find((p) => p.key?.value === 'config');
  const keyStart = pair?.key?.range?.[0];
  if (!pair || keyStart === undefined) return {};
  const valueEnd = pair.value?.range?.[1] ?? pair.key?.range?.[1] ?? keyStart;
  const key = ctx.lines.linePos(keyStart);
  const end = ctx.lines.linePos(Math.max(keyStart, valueEnd - 1));
  return { configBlock: { keyLine: key.line, keyCol: key.col, endLine: end.line } };
}

function pick(obj: Record<string, unknown>, key: string): Record<string, string> {
  return typeof obj[key] === 'string' ? { [key]: obj[key] as string } : {};
}
