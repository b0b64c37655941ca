/**
 * Turn the `params` of a function call into bound parameters. Accepted: absent, an array, or a JSON
 * string holding an array (handy with `iii trigger ... params='["a",1]'`). Values are JSON values;
 * objects and arrays are bound as JSON text by the adapters. Nothing is ever interpolated into SQL.
 */
import type { SqlParam } from './adapters/sql-driver.ts';
import { invalidParam } from './errors.ts';

function parseJsonArray(text: string): unknown[] {
  let parsed: unknown;
  try {
    parsed = JSON.parse(text);
  } catch {
    throw invalidParam(null, 'params is a string but not valid JSON (expected a JSON array)');
  }
  if (!Array.isArray(parsed)) throw invalidParam(null, 'params must be an array (or a JSON string holding an array)');
  return parsed;
}

function checkValue(v: unknown, index: number): SqlParam {
  if (v === null || typeof v === 'string' || typeof v === 'boolean') return v;
  if (typeof v === 'number') {
    if (!Number.isFinite(v)) throw invalidParam(index, `params[${index}] must be a finite number`);
    return v;
  }
  if (typeof v === 'object') return v as SqlParam;
  throw invalidParam(index, `params[${index}] has unsupported type ${typeof v}`);
}

/** Normalise and validate `params`; throws INVALID_PARAM with the offending index. */
export function normalizeParams(params: unknown): SqlParam[] {
  if (params === undefined || params === null) return [];
  const list = typeof params === 'string' ? parseJsonArray(params) : params;
  if (!Array.isArray(list)) throw invalidParam(null, 'params must be an array (or a JSON string holding an array)');
  return list.map(checkValue);
}
