/**
 * A deliberately small JSON Schema checker for values registered over the wire (external workers send
 * a JSON Schema, not an `s` schema). Covers the keywords worker config schemas use; unknown keywords
 * are ignored. Like `s`, it reports every problem with its dotted path instead of stopping at the first.
 */
import type { Issue, JsonSchema } from '../../core/config/schema.ts';

export function validateJsonSchema(schema: JsonSchema, value: unknown, path = ''): Issue[] {
  const issues: Issue[] = [];
  check(schema, value, path, issues);
  return issues;
}

function check(schema: JsonSchema, value: unknown, path: string, issues: Issue[]): void {
  if (Array.isArray(schema.anyOf) || Array.isArray(schema.oneOf)) {
    const alts = ((schema.anyOf ?? schema.oneOf) as unknown[]).filter(isSchema);
    if (alts.length > 0 && !alts.some((alt) => validateJsonSchema(alt, value, path).length === 0)) {
      issues.push({ path, message: 'matches none of the allowed forms' });
      return;
    }
  }
  if ('const' in schema && !sameJson(schema.const, value)) issues.push({ path, message: `must be ${JSON.stringify(schema.const)}` });
  if (Array.isArray(schema.enum) && !schema.enum.some((e) => sameJson(e, value)))
    issues.push({ path, message: `must be one of ${schema.enum.map((e) => JSON.stringify(e)).join(', ')}, got ${JSON.stringify(value)}` });
  if (!checkType(schema, value, path, issues)) return;
  if (typeof value === 'number') checkNumber(schema, value, path, issues);
  if (typeof value === 'string') checkString(schema, value, path, issues);
  if (Array.isArray(value)) checkArray(schema, value, path, issues);
  else if (typeof value === 'object' && value !== null) checkObject(schema, value as Record<string, unknown>, path, issues);
}

function checkType(schema: JsonSchema, value: unknown, path: string, issues: Issue[]): boolean {
  const t = schema.type;
  const types = typeof t === 'string' ? [t] : Array.isArray(t) ? t.filter((x): x is string => typeof x === 'string') : [];
  if (types.length === 0 || types.some((x) => hasType(x, value))) return true;
  issues.push({ path, message: `must be ${types.join(' or ')}, got ${typeName(value)}` });
  return false;
}

function hasType(t: string, v: unknown): boolean {
  switch (t) {
    case 'integer':
      return typeof v === 'number' && Number.isInteger(v);
    case 'number':
      return typeof v === 'number';
    case 'array':
      return Array.isArray(v);
    case 'object':
      return typeof v === 'object' && v !== null && !Array.isArray(v);
    case 'null':
      return v === null;
    default:
      return typeof v === t;
  }
}

function checkNumber(schema: JsonSchema, v: number, path: string, issues: Issue[]): void {
  if (typeof schema.minimum === 'number' && v < schema.minimum) issues.push({ path, message: `must be >= ${schema.minimum}, got ${v}` });
  if (typeof schema.maximum === 'number' && v > schema.maximum) issues.push({ path, message: `must be <= ${schema.maximum}, got ${v}` });
}

function checkString(schema: JsonSchema, v: string, path: string, issues: Issue[]): void {
  if (typeof schema.minLength === 'number' && v.length < schema.minLength)
    issues.push({ path, message: `must be at least ${schema.minLength} characters` });
  if (typeof schema.maxLength === 'number' && v.length > schema.maxLength)
    issues.push({ path, message: `must be at most ${schema.maxLength} characters` });
  if (typeof schema.pattern === 'string' && !safeRegExp(schema.pattern)?.test(v))
    issues.push({ path, message: `must match /${schema.pattern}/` });
}

function checkArray(schema: JsonSchema, v: unknown[], path: string, issues: Issue[]): void {
  if (typeof schema.minItems === 'number' && v.length < schema.minItems)
    issues.push({ path, message: `must have at least ${schema.minItems} items` });
  if (typeof schema.maxItems === 'number' && v.length > schema.maxItems)
    issues.push({ path, message: `must have at most ${schema.maxItems} items` });
  if (isSchema(schema.items)) {
    const items = schema.items;
    v.forEach((x, i) => {
      check(items, x, join(path, i), issues);
    });
  }
}

function checkObject(schema: JsonSchema, v: Record<string, unknown>, path: string, issues: Issue[]): void {
  const props = isSchema(schema.properties) ? schema.properties : {};
  const required = Array.isArray(schema.required) ? schema.required.filter((x): x is string => typeof x === 'string') : [];
  for (const key of required) if (v[key] === undefined) issues.push({ path: join(path, key), message: 'is required' });
  for (const [key, child] of Object.entries(v)) {
    const sub = props[key];
    if (isSchema(sub)) check(sub, child, join(path, key), issues);
    else if (schema.additionalProperties === false)
      issues.push({ path: join(path, key), message: `unknown key (allowed: ${Object.keys(props).join(', ') || 'none'})` });
    else if (isSchema(schema.additionalProperties)) check(schema.additionalProperties, child, join(path, key), issues);
  }
}

function isSchema(v: unknown): v is JsonSchema {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

function sameJson(a: unknown, b: unknown): boolean {
  return JSON.stringify(a) === JSON.stringify(b);
}

function safeRegExp(source: string): RegExp | undefined {
  try {
    return new RegExp(source, 'u');
  } catch {
    return undefined;
  }
}

function typeName(v: unknown): string {
  if (v === null) return 'null';
  if (Array.isArray(v)) return 'array';
  return typeof v;
}

function join(path: string, key: string | number): string {
  return path === '' ? String(key) : `${path}.${key}`;
}
