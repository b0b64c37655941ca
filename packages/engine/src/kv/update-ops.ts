import { z } from 'zod';
import { check, type Issue, type ParseResult } from '../core/config/schema.ts';
/**
 * Atomic update operations (`state::update`, `stream::update`; workers.md §2.1, @iii-dev/helpers/stream typings).
 *
 * Ops apply in order to a clone of the current value. Each op validates before it mutates, so a failing op
 * changes nothing and is reported in `errors[]` while the others still apply.
 *
 * Choices where the reference is silent: a missing/null root becomes `{}` for field ops; a scalar or array
 * root with a field path is `<op>.target_not_object`; increment/decrement treat a missing field as 0.
 */

export type MergePath = string | string[];

export type UpdateOp =
  | { type: 'set'; path: string; value: unknown }
  | { type: 'increment'; path: string; by: number }
  | { type: 'decrement'; path: string; by: number }
  | { type: 'append'; path?: MergePath | undefined; value: unknown }
  | { type: 'remove'; path: string }
  | { type: 'merge'; path?: MergePath | undefined; value: unknown };

export interface UpdateOpError {
  op_index: number;
  code: string;
  message: string;
  doc_url?: string;
}

export const LIMITS = { pathDepth: 32, segmentBytes: 256, valueDepth: 16, mergeKeys: 1024 } as const;
const FORBIDDEN = new Set(['__proto__', 'constructor', 'prototype']);

const pathSchema = z.union([z.string(), z.array(z.string())]);
const OP_SCHEMAS = {
  set: z.looseObject({ type: z.literal('set'), path: z.string(), value: z.unknown() }),
  increment: z.looseObject({ type: z.literal('increment'), path: z.string(), by: z.number() }),
  decrement: z.looseObject({ type: z.literal('decrement'), path: z.string(), by: z.number() }),
  append: z.looseObject({ type: z.literal('append'), path: pathSchema.optional(), value: z.unknown() }),
  remove: z.looseObject({ type: z.literal('remove'), path: z.string() }),
  merge: z.looseObject({ type: z.literal('merge'), path: pathSchema.optional(), value: z.unknown() }),
} as const;
type OpType = keyof typeof OP_SCHEMAS;
const OPS_SHAPE = z.array(z.looseObject({ type: z.enum(Object.keys(OP_SCHEMAS) as OpType[]) }));

/** Validate the `ops` array of an update request (shape only; path/value rules are per-op errors). */
export function parseUpdateOps(raw: unknown, path = 'ops'): ParseResult<UpdateOp[]> {
  const base = check(OPS_SHAPE, raw, path);
  if (!base.ok) return base;
  const ops: UpdateOp[] = [];
  const issues: Issue[] = [];
  for (const [i, op] of base.value.entries()) {
    const r = check<UpdateOp>(OP_SCHEMAS[op.type] as z.ZodType<UpdateOp>, op, `${path}.${i}`);
    if (r.ok) ops.push(r.value as UpdateOp);
    else issues.push(...r.issues);
  }
  return issues.length ? { ok: false, issues } : { ok: true, value: ops };
}

type Obj = Record<string, unknown>;

/** Signals a per-op failure; caught by `applyUpdateOps` and turned into an `errors[]` entry. */
class OpFailure extends Error {
  constructor(
    readonly code: string,
    message: string,
  ) {
    super(message);
  }
}

function isObject(v: unknown): v is Obj {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

function segments(path: MergePath | undefined): string[] {
  if (path === undefined || path === '') return [];
  return typeof path === 'string' ? [path] : path;
}

function checkPath(op: string, segs: readonly string[]): void {
  if (segs.length > LIMITS.pathDepth)
    throw new OpFailure(`${op}.path.too_deep`, `path has ${segs.length} segments (max ${LIMITS.pathDepth})`);
  for (const seg of segs) {
    const bytes = Buffer.byteLength(seg);
    if (bytes > LIMITS.segmentBytes)
      throw new OpFailure(`${op}.path.segment_too_long`, `path segment is ${bytes} bytes (max ${LIMITS.segmentBytes})`);
    if (FORBIDDEN.has(seg)) throw new OpFailure(`${op}.path.proto_polluted`, `path segment "${seg}" is not allowed`);
  }
}

function depthOf(v: unknown): number {
  if (Array.isArray(v)) return 1 + Math.max(0, ...v.map(depthOf));
  if (isObject(v)) return 1 + Math.max(0, ...Object.values(v).map(depthOf));
  return 0;
}

/** Root as an object for a field op: null/missing becomes `{}`, anything else non-object fails. */
function rootObject(op: string, root: unknown): Obj {
  if (root === undefined || root === null) return {};
  if (!isObject(root))
    throw new OpFailure(`${op}.target_not_object`, `the stored value is ${Array.isArray(root) ? 'an array' : typeof root}, not an object`);
  return root;
}

/** Walk to the parent of the leaf, replacing missing or non-object intermediates with `{}`. */
function parentOf(root: Obj, segs: readonly string[]): Obj {
  let node = root;
  for (const seg of segs.slice(0, -1)) {
    const next = node[seg];
    if (!isObject(next)) node[seg] = {};
    node = node[seg] as Obj;
  }
  return node;
}

function applyMerge(root: unknown, op: Extract<UpdateOp, { type: 'merge' }>): unknown {
  const segs = segments(op.path);
  checkPath('merge', segs);
  const value = op.value;
  if (!isObject(value)) throw new OpFailure('merge.value.not_object', 'merge value must be a JSON object');
  const keys = Object.keys(value);
  if (keys.length > LIMITS.mergeKeys)
    throw new OpFailure('merge.value.too_many_keys', `merge value has ${keys.length} keys (max ${LIMITS.mergeKeys})`);
  if (keys.some((k) => FORBIDDEN.has(k))) throw new OpFailure('merge.value.proto_polluted', 'merge value has a forbidden key');
  const depth = depthOf(value);
  if (depth > LIMITS.valueDepth)
    throw new OpFailure('merge.value.too_deep', `merge value is ${depth} levels deep (max ${LIMITS.valueDepth})`);
  const obj = rootObject('merge', root);
  if (segs.length === 0) return Object.assign(obj, value);
  const parent = parentOf(obj, segs);
  const leaf = segs[segs.length - 1]!;
  parent[leaf] = Object.assign(isObject(parent[leaf]) ? parent[leaf] : {}, value);
  return obj;
}

/** What appending `value` to `target` yields; `nested` targets always become arrays. */
function appended(target: unknown, value: unknown, nested: boolean): unknown {
  if (target === undefined || target === null) return !nested && typeof value === 'string' ? value : [value];
  if (Array.isArray(target)) return [...target, value];
  if (typeof target === 'string' && typeof value === 'string') return target + value;
  throw new OpFailure('append.type_mismatch', `cannot append ${typeof value} to ${typeof target}`);
}

function applyAppend(root: unknown, op: Extract<UpdateOp, { type: 'append' }>): unknown {
  const segs = segments(op.path);
  checkPath('append', segs);
  if (segs.length === 0) return appended(root, op.value, false);
  const obj = rootObject('append', root);
  const parent = parentOf(obj, segs);
  const leaf = segs[segs.length - 1]!;
  parent[leaf] = appended(parent[leaf], op.value, Array.isArray(op.path));
  return obj;
}

function applyField(root: unknown, op: Extract<UpdateOp, { type: 'set' | 'increment' | 'decrement' | 'remove' }>): unknown {
  if (op.type === 'set' && op.path === '') return op.value;
  checkPath(op.type, [op.path]);
  const obj = rootObject(op.type, root);
  if (op.type === 'set') obj[op.path] = op.value;
  else if (op.type === 'remove') delete obj[op.path];
  else {
    const cur = obj[op.path] ?? 0;
    if (typeof cur !== 'number') throw new OpFailure(`${op.type}.not_number`, `field "${op.path}" is ${typeof cur}, not a number`);
    obj[op.path] = op.type === 'increment' ? cur + op.by : cur - op.by;
  }
  return obj;
}

function applyOne(root: unknown, op: UpdateOp): unknown {
  switch (op.type) {
    case 'merge':
      return applyMerge(root, op);
    case 'append':
      return applyAppend(root, op);
    default:
      return applyField(root, op);
  }
}

/** Apply `ops` to `current` (never mutated). `value` is `null` when nothing produced a value. */
export function applyUpdateOps(current: unknown, ops: readonly UpdateOp[]): { value: unknown; errors: UpdateOpError[] } {
  let value: unknown = current === undefined ? undefined : structuredClone(current);
  const errors: UpdateOpError[] = [];
  for (const [i, op] of ops.entries()) {
    // Each op works on its own clone so a failure half-way through an op cannot leak partial changes.
    const before = value === undefined ? undefined : structuredClone(value);
    try {
      value = applyOne(before, op);
    } catch (err) {
      if (!(err instanceof OpFailure)) throw err;
      errors.push({ op_index: i, code: err.code, message: err.message });
    }
  }
  return { value: value === undefined ? null : value, errors };
}
