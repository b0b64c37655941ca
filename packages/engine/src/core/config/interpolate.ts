/**
 * `${NAME}` / `${NAME:default}` interpolation (workers.md §20).
 *
 * Two entry points share one syntax:
 * - `interpolateText` runs on the raw config.yaml text *before* YAML parsing (like the reference), so
 *   a placeholder may stand anywhere, and errors can name the file and line;
 * - `expandValue` runs on stored configuration values (configuration::get), walking the JSON value and
 *   coercing a lone placeholder to the type the JSON Schema expects (`port: ${PORT:3111}` → 3111).
 *
 * `$NAME` without braces is left alone; the environment wins over the default; the special default
 * `__III_ENGINE_VERSION__` expands to the engine version.
 */
import { EngineError } from '../errors/index.ts';
import { ENGINE_VERSION } from '../version.ts';
import type { JsonSchema } from './schema.ts';

export { ENGINE_VERSION };

/** NAME = anything but `}` and `:`; default = anything up to `}` (may be empty). */
const PLACEHOLDER = /\$\{([^}:]+)(?::([^}]*))?\}/g;
const LONE_PLACEHOLDER = /^\$\{([^}:]+)(?::([^}]*))?\}$/;

export interface InterpolateOptions {
  env?: Readonly<Record<string, string | undefined>>;
  /** Named in error messages, e.g. `config.yaml`. */
  file?: string;
  version?: string;
}

interface Missing {
  name: string;
  where: string;
}

function resolve(name: string, def: string | undefined, opts: InterpolateOptions): string | undefined {
  const fromEnv = (opts.env ?? process.env)[name];
  if (fromEnv !== undefined) return fromEnv;
  if (def === undefined) return undefined;
  return def === '__III_ENGINE_VERSION__' ? (opts.version ?? ENGINE_VERSION) : def;
}

function missingError(missing: readonly Missing[]): EngineError {
  const lines = missing.map((m) => `${m.where}: Environment variable '${m.name}' not set and no default provided`);
  return new EngineError('E_CONFIG_ENV_MISSING', lines.join('\n'), { details: { variables: missing.map((m) => m.name) } });
}

/** Replace every placeholder in `text`; throws `E_CONFIG_ENV_MISSING` listing every missing variable with file:line. */
export function interpolateText(text: string, opts: InterpolateOptions = {}): string {
  const file = opts.file ?? 'config';
  const missing: Missing[] = [];
  const out = text.replace(PLACEHOLDER, (match: string, name: string, def: string | undefined, offset: number) => {
    const value = resolve(name, def, opts);
    if (value !== undefined) return value;
    missing.push({ name, where: `${file}:${lineOf(text, offset)}` });
    return match;
  });
  if (missing.length > 0) throw missingError(missing);
  return out;
}

function lineOf(text: string, offset: number): number {
  let line = 1;
  for (let i = 0; i < offset; i++) if (text.charCodeAt(i) === 10) line++;
  return line;
}

/**
 * Expand placeholders inside a stored JSON value. `schema` (optional) steers coercion of a string that
 * is exactly one placeholder: to a number/integer/boolean when the schema says so and the text parses.
 */
export function expandValue(value: unknown, schema?: JsonSchema, opts: InterpolateOptions = {}): unknown {
  const missing: Missing[] = [];
  const out = walk(value, schema, '', opts, missing);
  if (missing.length > 0) throw missingError(missing);
  return out;
}

function walk(value: unknown, schema: JsonSchema | undefined, path: string, opts: InterpolateOptions, missing: Missing[]): unknown {
  if (typeof value === 'string') return expandString(value, schema, path, opts, missing);
  if (Array.isArray(value)) return value.map((v, i) => walk(v, childSchema(schema, i), join(path, i), opts, missing));
  if (typeof value === 'object' && value !== null) {
    const out: Record<string, unknown> = {};
    for (const [k, v] of Object.entries(value)) out[k] = walk(v, childSchema(schema, k), join(path, k), opts, missing);
    return out;
  }
  return value;
}

function expandString(text: string, schema: JsonSchema | undefined, path: string, opts: InterpolateOptions, missing: Missing[]): unknown {
  const where = `${opts.file ?? 'value'}${path === '' ? '' : `: ${path}`}`;
  const replaced = text.replace(PLACEHOLDER, (match: string, name: string, def: string | undefined) => {
    const v = resolve(name, def, opts);
    if (v !== undefined) return v;
    missing.push({ name, where });
    return match;
  });
  return LONE_PLACEHOLDER.test(text) ? coerce(replaced, schemaTypes(schema)) : replaced;
}

function coerce(text: string, types: readonly string[]): unknown {
  if ((types.includes('integer') || types.includes('number')) && text.trim() !== '') {
    const n = Number(text);
    if (Number.isFinite(n) && (types.includes('number') || Number.isInteger(n))) return n;
  }
  if (types.includes('boolean') && (text === 'true' || text === 'false')) return text === 'true';
  return text;
}

function schemaTypes(schema: JsonSchema | undefined): string[] {
  if (!schema) return [];
  const t = schema.type;
  const own = typeof t === 'string' ? [t] : Array.isArray(t) ? t.filter((x): x is string => typeof x === 'string') : [];
  const alts = Array.isArray(schema.anyOf) ? schema.anyOf.flatMap((a) => schemaTypes(asSchema(a))) : [];
  return [...own, ...alts];
}

function childSchema(schema: JsonSchema | undefined, key: string | number): JsonSchema | undefined {
  if (!schema) return undefined;
  if (typeof key === 'number') return asSchema(schema.items);
  const props = asSchema(schema.properties);
  return asSchema(props?.[key]) ?? asSchema(schema.additionalProperties);
}

function asSchema(v: unknown): JsonSchema | undefined {
  return typeof v === 'object' && v !== null && !Array.isArray(v) ? (v as JsonSchema) : undefined;
}

function join(path: string, key: string | number): string {
  return path === '' ? String(key) : `${path}.${key}`;
}
