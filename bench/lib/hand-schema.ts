/**
 * The hand-written schema builder Triad used for config and built-in inputs before zod 4 (issue 12), kept
 * only as the baseline of bench/state-get.ts's parse comparison. Nothing in the engine uses it.
 *
 * Original notes: a small schema builder for module configuration and built-in function inputs.
 *
 * Why not a library: we need exactly three things and nothing else: every problem reported at once
 * (with its dotted path), unknown keys rejected, defaults applied in one place; plus a JSON Schema
 * rendering for `configuration::register` / `engine::triggers::info` / `iii trigger --help`.
 *
 * @example
 * const config = s.object({ port: s.integer().min(0).max(65535).default(3111), host: s.string().default('0.0.0.0') });
 * const r = config.parse(raw); // { ok: true, value } | { ok: false, issues: [{ path: 'port', message: '...' }] }
 */

export type JsonSchema = Record<string, unknown>;

export interface Issue {
  /** Dotted path to the offending value ('' for the root), e.g. `cors.allowed_origins.0`. */
  path: string;
  message: string;
}

export type ParseResult<T> = { ok: true; value: T } | { ok: false; issues: Issue[] };

export interface Schema<T> {
  /** Validate `value`; `path` prefixes issue paths. Never throws. */
  parse(value: unknown, path?: string): ParseResult<T>;
  toJSONSchema(): JsonSchema;
  /** Value used when the key is absent (only meaningful inside `s.object`). */
  readonly defaultValue?: () => T;
  readonly isOptional: boolean;
  optional(): Schema<T | undefined>;
  default(v: T | (() => T)): Schema<T>;
  describe(text: string): Schema<T>;
}

type Check<T> = (v: T) => string | undefined;

class BaseSchema<T> implements Schema<T> {
  constructor(
    private readonly validate: (v: unknown, path: string, issues: Issue[]) => T | undefined,
    private readonly json: () => JsonSchema,
    readonly isOptional = false,
    readonly defaultValue?: () => T,
    private readonly description?: string,
    private readonly checks: ReadonlyArray<Check<T>> = [],
  ) {}

  parse(value: unknown, path = ''): ParseResult<T> {
    const issues: Issue[] = [];
    const out = this.run(value, path, issues);
    return issues.length === 0 ? { ok: true, value: out as T } : { ok: false, issues };
  }

  /** @internal used by composite schemas to collect issues into one list. */
  run(value: unknown, path: string, issues: Issue[]): T | undefined {
    if (value === undefined) {
      if (this.defaultValue) return this.defaultValue();
      if (this.isOptional) return undefined;
      issues.push({ path, message: 'is required' });
      return undefined;
    }
    const before = issues.length;
    const out = this.validate(value, path, issues);
    if (issues.length === before) {
      for (const check of this.checks) {
        const msg = check(out as T);
        if (msg) issues.push({ path, message: msg });
      }
    }
    return out;
  }

  toJSONSchema(): JsonSchema {
    const base = this.json();
    if (this.description) base.description = this.description;
    if (this.defaultValue) base.default = this.defaultValue();
    return base;
  }

  optional(): Schema<T | undefined> {
    return new BaseSchema<T | undefined>(
      this.validate,
      this.json,
      true,
      undefined,
      this.description,
      this.checks as Check<T | undefined>[],
    );
  }

  default(v: T | (() => T)): Schema<T> {
    const fn = typeof v === 'function' ? (v as () => T) : () => structuredClone(v);
    return new BaseSchema<T>(this.validate, this.json, true, fn, this.description, this.checks);
  }

  describe(text: string): Schema<T> {
    return new BaseSchema<T>(this.validate, this.json, this.isOptional, this.defaultValue, text, this.checks);
  }

  refine(check: Check<T>): BaseSchema<T> {
    return new BaseSchema<T>(this.validate, this.json, this.isOptional, this.defaultValue, this.description, [...this.checks, check]);
  }
}

function typeName(v: unknown): string {
  if (v === null) return 'null';
  if (Array.isArray(v)) return 'array';
  return typeof v;
}

class NumberSchema extends BaseSchema<number> {
  constructor(
    private readonly integer: boolean,
    private readonly bounds: { min?: number; max?: number } = {},
  ) {
    super(
      (v, path, issues) => {
        if (typeof v !== 'number' || Number.isNaN(v)) {
          issues.push({ path, message: `must be a number, got ${typeName(v)}` });
          return undefined;
        }
        if (integer && !Number.isInteger(v)) issues.push({ path, message: `must be an integer, got ${v}` });
        if (bounds.min !== undefined && v < bounds.min) issues.push({ path, message: `must be >= ${bounds.min}, got ${v}` });
        if (bounds.max !== undefined && v > bounds.max) issues.push({ path, message: `must be <= ${bounds.max}, got ${v}` });
        return v;
      },
      () => ({
        type: integer ? 'integer' : 'number',
        ...(bounds.min !== undefined ? { minimum: bounds.min } : {}),
        ...(bounds.max !== undefined ? { maximum: bounds.max } : {}),
      }),
    );
  }
  min(n: number): NumberSchema {
    return new NumberSchema(this.integer, { ...this.bounds, min: n });
  }
  max(n: number): NumberSchema {
    return new NumberSchema(this.integer, { ...this.bounds, max: n });
  }
}

class StringSchema extends BaseSchema<string> {
  constructor(private readonly opts: { minLength?: number; pattern?: RegExp } = {}) {
    super(
      (v, path, issues) => {
        if (typeof v !== 'string') {
          issues.push({ path, message: `must be a string, got ${typeName(v)}` });
          return undefined;
        }
        if (opts.minLength !== undefined && v.length < opts.minLength)
          issues.push({ path, message: opts.minLength === 1 ? 'must not be empty' : `must be at least ${opts.minLength} characters` });
        if (opts.pattern && !opts.pattern.test(v)) issues.push({ path, message: `must match ${opts.pattern}` });
        return v;
      },
      () => ({
        type: 'string',
        ...(opts.minLength ? { minLength: opts.minLength } : {}),
        ...(opts.pattern ? { pattern: opts.pattern.source } : {}),
      }),
    );
  }
  nonEmpty(): StringSchema {
    return new StringSchema({ ...this.opts, minLength: 1 });
  }
  pattern(re: RegExp): StringSchema {
    return new StringSchema({ ...this.opts, pattern: re });
  }
}

type Shape = Record<string, Schema<unknown>>;
/** The value type a schema produces. */
export type Infer<S> = S extends Schema<infer T> ? T : never;
/** Keys whose schema admits `undefined` (`.optional()`) are optional properties; the rest are required. */
type OptionalKeys<S extends Shape> = { [K in keyof S]: undefined extends Infer<S[K]> ? K : never }[keyof S];
type Simplify<T> = { [K in keyof T]: T[K] };
type ObjectOf<S extends Shape> = Simplify<
  { [K in Exclude<keyof S, OptionalKeys<S>>]: Infer<S[K]> } & { [K in OptionalKeys<S>]?: Infer<S[K]> }
>;

function runChild(schema: Schema<unknown>, value: unknown, path: string, issues: Issue[]): unknown {
  const r = schema.parse(value, path);
  if (!r.ok) {
    issues.push(...r.issues);
    return undefined;
  }
  return r.value;
}

function join(path: string, key: string | number): string {
  return path === '' ? String(key) : `${path}.${key}`;
}

function objectSchema<S extends Shape>(shape: S, opts: { passthrough?: boolean } = {}): Schema<ObjectOf<S>> {
  return new BaseSchema<ObjectOf<S>>(
    (v, path, issues) => {
      if (typeof v !== 'object' || v === null || Array.isArray(v)) {
        issues.push({ path, message: `must be an object, got ${typeName(v)}` });
        return undefined;
      }
      const input = v as Record<string, unknown>;
      const out: Record<string, unknown> = opts.passthrough ? { ...input } : {};
      for (const [key, child] of Object.entries(shape)) {
        const val = runChild(child, input[key], join(path, key), issues);
        if (val !== undefined) out[key] = val;
      }
      if (!opts.passthrough) {
        const known = Object.keys(shape);
        for (const key of Object.keys(input)) {
          if (!(key in shape)) issues.push({ path: join(path, key), message: `unknown key (allowed: ${known.join(', ') || 'none'})` });
        }
      }
      return out as ObjectOf<S>;
    },
    () => {
      const properties: Record<string, JsonSchema> = {};
      const required: string[] = [];
      for (const [key, child] of Object.entries(shape)) {
        properties[key] = child.toJSONSchema();
        if (!child.isOptional) required.push(key);
      }
      return { type: 'object', properties, ...(required.length ? { required } : {}), additionalProperties: opts.passthrough === true };
    },
  );
}

/** The schema builder. */
export const s = {
  string: (): StringSchema => new StringSchema(),
  number: (): NumberSchema => new NumberSchema(false),
  integer: (): NumberSchema => new NumberSchema(true),
  boolean: (): Schema<boolean> =>
    new BaseSchema<boolean>(
      (v, path, issues) => {
        if (typeof v !== 'boolean') issues.push({ path, message: `must be true or false, got ${typeName(v)}` });
        return v as boolean;
      },
      () => ({ type: 'boolean' }),
    ),
  /** Any JSON value (no validation). */
  any: (): Schema<unknown> =>
    new BaseSchema<unknown>(
      (v) => v,
      () => ({}),
    ),
  literal: <T extends string | number | boolean>(lit: T): Schema<T> =>
    new BaseSchema<T>(
      (v, path, issues) => {
        if (v !== lit) issues.push({ path, message: `must be ${JSON.stringify(lit)}` });
        return v as T;
      },
      () => ({ const: lit }),
    ),
  enum: <T extends string>(values: readonly T[]): Schema<T> =>
    new BaseSchema<T>(
      (v, path, issues) => {
        if (typeof v !== 'string' || !values.includes(v as T))
          issues.push({ path, message: `must be one of ${values.join(', ')}, got ${JSON.stringify(v)}` });
        return v as T;
      },
      () => ({ type: 'string', enum: [...values] }),
    ),
  array: <T>(item: Schema<T>): Schema<T[]> =>
    new BaseSchema<T[]>(
      (v, path, issues) => {
        if (!Array.isArray(v)) {
          issues.push({ path, message: `must be an array, got ${typeName(v)}` });
          return undefined;
        }
        return v.map((x, i) => runChild(item, x, join(path, i), issues) as T);
      },
      () => ({ type: 'array', items: item.toJSONSchema() }),
    ),
  /** An object with arbitrary keys whose values all match `value`. */
  record: <T>(value: Schema<T>): Schema<Record<string, T>> =>
    new BaseSchema<Record<string, T>>(
      (v, path, issues) => {
        if (typeof v !== 'object' || v === null || Array.isArray(v)) {
          issues.push({ path, message: `must be an object, got ${typeName(v)}` });
          return undefined;
        }
        const out: Record<string, T> = {};
        for (const [k, x] of Object.entries(v)) out[k] = runChild(value, x, join(path, k), issues) as T;
        return out;
      },
      () => ({ type: 'object', additionalProperties: value.toJSONSchema() }),
    ),
  /** A strict object: unknown keys are reported. */
  object: <S extends Shape>(shape: S): Schema<ObjectOf<S>> => objectSchema(shape),
  /** An object that keeps (and does not report) keys outside `shape`; used for function inputs. */
  looseObject: <S extends Shape>(shape: S): Schema<ObjectOf<S> & Record<string, unknown>> =>
    objectSchema(shape, { passthrough: true }) as Schema<ObjectOf<S> & Record<string, unknown>>,
  /** First alternative that parses wins; otherwise the issues of every alternative are reported. */
  union: <T>(...alts: Schema<T>[]): Schema<T> =>
    new BaseSchema<T>(
      (v, path, issues) => {
        const all: Issue[] = [];
        for (const alt of alts) {
          const r = alt.parse(v, path);
          if (r.ok) return r.value;
          all.push(...r.issues);
        }
        issues.push({ path, message: `matches no allowed form: ${all.map((i) => i.message).join('; ')}` });
        return undefined;
      },
      () => ({ anyOf: alts.map((a) => a.toJSONSchema()) }),
    ),
};

/** Render issues as one line per problem: `file: key: message`. */
export function formatIssues(issues: readonly Issue[], prefix = ''): string {
  return issues.map((i) => `${prefix}${i.path === '' ? '(root)' : i.path}: ${i.message}`).join('\n');
}
