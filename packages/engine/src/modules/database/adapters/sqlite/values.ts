/** SQLite ⇄ JSON value mapping (workers.md §3.2). */
import type { SqlParam, SqlValue } from '../sql-driver.ts';

/** A JSON-ish parameter → something better-sqlite3 binds (it refuses booleans and plain objects). */
export function toSqliteParam(v: SqlParam): unknown {
  if (typeof v === 'boolean') return v ? 1 : 0;
  if (v instanceof Uint8Array) return Buffer.isBuffer(v) ? v : Buffer.from(v.buffer, v.byteOffset, v.byteLength);
  if (v !== null && typeof v === 'object') return JSON.stringify(v);
  return v;
}

/**
 * A cell read with `safeIntegers(true)`: every INTEGER arrives as bigint so nothing is rounded; it
 * becomes a number when exact, a string otherwise (the "64-bit → string" rule, applied only when needed).
 */
export function fromSqliteCell(v: unknown): SqlValue {
  if (typeof v === 'bigint') return v >= Number.MIN_SAFE_INTEGER && v <= Number.MAX_SAFE_INTEGER ? Number(v) : v.toString();
  if (Buffer.isBuffer(v)) return v.toString('base64');
  return v;
}
