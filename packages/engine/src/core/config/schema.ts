/**
 * Schemas for module configuration and built-in function inputs are zod 4 schemas; this file is the
 * thin layer that keeps Triad's user-visible behaviour on top of it: every problem reported at once as
 * `path: message` lines in our wording (`must be <= 65535, got 70000`, `unknown key (allowed: …)`),
 * and the JSON Schema rendering used by `configuration::register`, `engine::functions::list` and
 * `iii trigger --help`.
 *
 * Conventions: `z.strictObject` for config (unknown keys are errors), `z.looseObject` for function
 * inputs (callers may send more), `.default(…)` for every default, `.describe(…)` for help text.
 *
 * @example
 * const config = z.strictObject({ port: z.int().min(0).max(65535).default(3111), host: z.string().default('0.0.0.0') });
 * const r = check(config, raw); // { ok: true, value } | { ok: false, issues: [{ path: 'port', message: '...' }] }
 */
import { type core, z } from 'zod';

export type JsonSchema = Record<string, unknown>;

/** A schema whose parsed value is `T` (its input may differ: defaults fill missing keys). */
export type Schema<T> = z.ZodType<T>;

export interface Issue {
  /** Dotted path to the offending value ('' for the root), e.g. `cors.allowed_origins.0`. */
  path: string;
  message: string;
}

export type ParseResult<T> = { ok: true; value: T } | { ok: false; issues: Issue[] };

function typeName(v: unknown): string {
  if (v === null) return 'null';
  if (Array.isArray(v)) return 'array';
  return typeof v;
}

const EXPECTED: Record<string, string> = {
  string: 'a string',
  number: 'a number',
  int: 'an integer',
  boolean: 'true or false',
  object: 'an object',
  array: 'an array',
  record: 'an object',
};

/** Our wording for zod's issues (used as the per-parse error map, so schema-level messages still win). */
function message(iss: core.$ZodRawIssue): string | undefined {
  const got = iss.input;
  switch (iss.code) {
    case 'invalid_type':
      if (got === undefined) return 'is required';
      if (iss.expected === 'int' && typeof got === 'number') return `must be an integer, got ${got}`;
      return `must be ${EXPECTED[iss.expected] ?? iss.expected}, got ${typeName(got)}`;
    case 'too_small':
      if (iss.origin === 'string') return Number(iss.minimum) === 1 ? 'must not be empty' : `must be at least ${iss.minimum} characters`;
      if (iss.origin === 'array') return `must have at least ${iss.minimum} items`;
      return `must be ${iss.inclusive === false ? '>' : '>='} ${iss.minimum}, got ${String(got)}`;
    case 'too_big':
      if (iss.origin === 'string') return `must be at most ${iss.maximum} characters`;
      if (iss.origin === 'array') return `must have at most ${iss.maximum} items`;
      return `must be ${iss.inclusive === false ? '<' : '<='} ${iss.maximum}, got ${String(got)}`;
    case 'invalid_format':
      return iss.format === 'regex' && 'pattern' in iss ? `must match ${String(iss.pattern)}` : `must be a valid ${iss.format}`;
    case 'invalid_value':
      return iss.values.length === 1
        ? `must be ${JSON.stringify(iss.values[0])}`
        : `must be one of ${iss.values.map(String).join(', ')}, got ${JSON.stringify(got)}`;
    case 'unrecognized_keys': {
      const shape = (iss.inst as { shape?: Record<string, unknown> } | undefined)?.shape ?? {};
      return `unknown key (allowed: ${Object.keys(shape).join(', ') || 'none'})`;
    }
    case 'invalid_union':
      return `matches no allowed form: ${iss.errors.flatMap((alt) => alt.map((i) => i.message)).join('; ')}`;
    default:
      return undefined;
  }
}

const dotted = (path: readonly PropertyKey[]): string => path.map(String).join('.');

/** Our issue list from zod's: one entry per unknown key (zod reports them together). */
export function toIssues(issues: readonly core.$ZodIssue[]): Issue[] {
  return issues.flatMap((i) =>
    i.code === 'unrecognized_keys'
      ? i.keys.map((k) => ({ path: dotted([...i.path, k]), message: i.message }))
      : [{ path: dotted(i.path), message: i.message }],
  );
}

/** Validate `value` (applying defaults); never throws. `path` prefixes every issue's path. */
export function check<T>(schema: Schema<T>, value: unknown, path = ''): ParseResult<T> {
  const r = schema.safeParse(value);
  if (r.success) return { ok: true, value: r.data };
  // Our wording comes from a per-parse error map, but passing one takes zod off its compiled fast path
  // (~9× slower in bench/state-get.ts), so only a failed parse is run again with it.
  const failed = schema.safeParse(value, { error: message });
  const issues = failed.success ? [] : toIssues(failed.error.issues);
  return { ok: false, issues: path === '' ? issues : issues.map((i) => ({ ...i, path: i.path === '' ? path : `${path}.${i.path}` })) };
}

/** `z.int()` renders the safe-integer range as bounds; they only clutter `iii trigger --help`. */
function dropSafeIntegerBounds(ctx: { jsonSchema: JsonSchema }): void {
  if (ctx.jsonSchema.minimum === Number.MIN_SAFE_INTEGER) delete ctx.jsonSchema.minimum;
  if (ctx.jsonSchema.maximum === Number.MAX_SAFE_INTEGER) delete ctx.jsonSchema.maximum;
}

/**
 * The JSON Schema of what a caller may send (defaulted keys are optional), without the `$schema` line.
 * Types JSON Schema cannot express render as `{}` (anything).
 */
export function toJsonSchema(schema: z.ZodType): JsonSchema {
  const { $schema: _, ...json } = z.toJSONSchema(schema, {
    io: 'input',
    unrepresentable: 'any',
    override: dropSafeIntegerBounds,
  }) as JsonSchema;
  return json;
}

/** Render issues as one line per problem: `file: key: message`. */
export function formatIssues(issues: readonly Issue[], prefix = ''): string {
  return issues.map((i) => `${prefix}${i.path === '' ? '(root)' : i.path}: ${i.message}`).join('\n');
}
