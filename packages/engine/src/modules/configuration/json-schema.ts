/**
 * JSON Schema checking for values registered over the wire (external workers send a JSON Schema, not a
 * zod schema), with ajv: the whole vocabulary (`$ref`/`$defs`, `allOf`, `oneOf` exclusivity, `format`
 * via ajv-formats, `if`/`then`, …). Schemas declaring draft 2020-12 (zod's output) get ajv's 2020 class;
 * the rest draft-07, which is what hand-written worker schemas usually are. Unknown keywords are ignored.
 *
 * Like our zod layer, it reports every problem with its dotted path and in the same wording
 * (`pool.max: must be >= 1, got 0`, `extra: unknown key (allowed: …)`), instead of stopping at the first.
 */
import { Ajv, type ErrorObject, type ValidateFunction } from 'ajv';
import { Ajv2020 } from 'ajv/dist/2020.js';
import addFormatsModule from 'ajv-formats';
import type { Issue, JsonSchema } from '../../core/config/schema.ts';

// ajv-formats is CommonJS: its default export is the plugin function.
const addFormats = addFormatsModule as unknown as (ajv: Ajv) => Ajv;
const options = { allErrors: true, strict: false, verbose: true, validateSchema: true } as const;
const draft07 = addFormats(new Ajv(options));
const draft2020 = addFormats(new Ajv2020(options) as unknown as Ajv);

/** Compiled once per schema object (registered schemas are kept, so the cache stays small). */
const compiled = new WeakMap<JsonSchema, ValidateFunction | Error>();

function validatorFor(schema: JsonSchema): ValidateFunction | Error {
  let v = compiled.get(schema);
  if (v) return v;
  const { $schema, $id: _, ...rest } = schema;
  const ajv = typeof $schema === 'string' && /2019-09|2020-12/.test($schema) ? draft2020 : draft07;
  try {
    // `$id` is dropped so two registrations of the same id cannot clash inside ajv's schema registry.
    v = ajv.compile(rest);
  } catch (err) {
    v = err instanceof Error ? err : new Error(String(err));
  }
  compiled.set(schema, v);
  return v;
}

export function validateJsonSchema(schema: JsonSchema, value: unknown, path = ''): Issue[] {
  const validate = validatorFor(schema);
  if (validate instanceof Error) return [{ path, message: `the registered JSON Schema is invalid: ${validate.message}` }];
  if (validate(value)) return [];
  return toIssues(validate.errors ?? [], path);
}

/** Our issues from ajv's errors: branch errors of a failed anyOf/oneOf fold into its one message; unknown keys last. */
function toIssues(errors: readonly ErrorObject[], root: string): Issue[] {
  const alternatives = errors.filter((e) => e.keyword === 'anyOf' || e.keyword === 'oneOf').map((e) => `${e.schemaPath}/`);
  const kept = errors.filter((e) => e.keyword !== 'if' && !alternatives.some((p) => e.schemaPath.startsWith(p)));
  const unknown = kept.filter((e) => e.keyword === 'additionalProperties' && e.schema === false);
  return [...kept.filter((e) => !unknown.includes(e)), ...unknown].map((e) => issue(e, root));
}

function issue(e: ErrorObject, root: string): Issue {
  const at = join(root, pointerPath(e.instancePath));
  const p = e.params as Record<string, unknown>;
  const got = e.data;
  switch (e.keyword) {
    case 'required':
      return { path: join(at, String(p.missingProperty)), message: 'is required' };
    case 'additionalProperties': {
      const props = Object.keys((e.parentSchema?.properties as Record<string, unknown> | undefined) ?? {});
      return { path: join(at, String(p.additionalProperty)), message: `unknown key (allowed: ${props.join(', ') || 'none'})` };
    }
    case 'type':
      return { path: at, message: `must be ${String(p.type).split(',').join(' or ')}, got ${typeName(got)}` };
    case 'minimum':
    case 'maximum':
    case 'exclusiveMinimum':
    case 'exclusiveMaximum':
      return { path: at, message: `must be ${String(p.comparison)} ${String(p.limit)}, got ${String(got)}` };
    case 'minLength':
      return { path: at, message: `must be at least ${String(p.limit)} characters` };
    case 'maxLength':
      return { path: at, message: `must be at most ${String(p.limit)} characters` };
    case 'minItems':
      return { path: at, message: `must have at least ${String(p.limit)} items` };
    case 'maxItems':
      return { path: at, message: `must have at most ${String(p.limit)} items` };
    case 'pattern':
      return { path: at, message: `must match /${String(p.pattern)}/` };
    case 'format':
      return { path: at, message: `must be a valid ${String(p.format)}, got ${JSON.stringify(got)}` };
    case 'enum':
      return {
        path: at,
        message: `must be one of ${(p.allowedValues as unknown[]).map((v) => JSON.stringify(v)).join(', ')}, got ${JSON.stringify(got)}`,
      };
    case 'const':
      return { path: at, message: `must be ${JSON.stringify(p.allowedValue)}` };
    case 'anyOf':
      return { path: at, message: 'matches none of the allowed forms' };
    case 'oneOf':
      return {
        path: at,
        message: Array.isArray(p.passingSchemas)
          ? `matches more than one of the allowed forms (${p.passingSchemas.join(' and ')}); exactly one must match`
          : 'matches none of the allowed forms',
      };
    default:
      return { path: at, message: e.message ?? `fails ${e.keyword}` };
  }
}

/** `/pool/max` → `pool.max` (JSON Pointer unescaping: ~1 is /, ~0 is ~). */
function pointerPath(pointer: string): string {
  if (pointer === '') return '';
  return pointer
    .slice(1)
    .split('/')
    .map((s) => s.replace(/~1/g, '/').replace(/~0/g, '~'))
    .join('.');
}

function typeName(v: unknown): string {
  if (v === null) return 'null';
  if (Array.isArray(v)) return 'array';
  return typeof v;
}

function join(path: string, key: string): string {
  if (key === '') return path;
  return path === '' ? key : `${path}.${key}`;
}
