/**
 * MySQL / MariaDB ⇄ JSON value mapping (workers.md §3.2) and the type names sqlx (so the reference)
 * reports. The pool runs with `dateStrings` and `bigNumberStrings`, so cells arrive as text where
 * precision matters; the session time zone is UTC, so TIMESTAMP and DATETIME both read as UTC.
 */
import type { SqlParam, SqlValue } from '../sql-driver.ts';
import type { MyField } from './types.ts';

/** mysql2 `Types` codes used below. */
const T = {
  DECIMAL: 0,
  TINY: 1,
  SHORT: 2,
  LONG: 3,
  FLOAT: 4,
  DOUBLE: 5,
  NULL: 6,
  TIMESTAMP: 7,
  LONGLONG: 8,
  INT24: 9,
  DATE: 10,
  TIME: 11,
  DATETIME: 12,
  YEAR: 13,
  NEWDATE: 14,
  VARCHAR: 15,
  BIT: 16,
  JSON: 245,
  NEWDECIMAL: 246,
  ENUM: 247,
  SET: 248,
  TINY_BLOB: 249,
  MEDIUM_BLOB: 250,
  LONG_BLOB: 251,
  BLOB: 252,
  VAR_STRING: 253,
  STRING: 254,
  GEOMETRY: 255,
} as const;

const BINARY_CHARSET = 63;
const UNSIGNED_FLAG = 32;

const FIXED_NAMES: Readonly<Record<number, string>> = {
  [T.DECIMAL]: 'DECIMAL',
  [T.NEWDECIMAL]: 'DECIMAL',
  [T.SHORT]: 'SMALLINT',
  [T.LONG]: 'INT',
  [T.INT24]: 'MEDIUMINT',
  [T.LONGLONG]: 'BIGINT',
  [T.FLOAT]: 'FLOAT',
  [T.DOUBLE]: 'DOUBLE',
  [T.NULL]: 'NULL',
  [T.TIMESTAMP]: 'TIMESTAMP',
  [T.DATE]: 'DATE',
  [T.NEWDATE]: 'DATE',
  [T.TIME]: 'TIME',
  [T.DATETIME]: 'DATETIME',
  [T.YEAR]: 'YEAR',
  [T.BIT]: 'BIT',
  [T.JSON]: 'JSON',
  [T.ENUM]: 'ENUM',
  [T.SET]: 'SET',
  [T.GEOMETRY]: 'GEOMETRY',
};

const BLOB_NAMES: Readonly<Record<number, [binary: string, text: string]>> = {
  [T.TINY_BLOB]: ['TINYBLOB', 'TINYTEXT'],
  [T.BLOB]: ['BLOB', 'TEXT'],
  [T.MEDIUM_BLOB]: ['MEDIUMBLOB', 'MEDIUMTEXT'],
  [T.LONG_BLOB]: ['LONGBLOB', 'LONGTEXT'],
  [T.VARCHAR]: ['VARBINARY', 'VARCHAR'],
  [T.VAR_STRING]: ['VARBINARY', 'VARCHAR'],
  [T.STRING]: ['BINARY', 'CHAR'],
};

const INTEGERS = new Set<number>([T.TINY, T.SHORT, T.LONG, T.INT24, T.LONGLONG]);

/** `INT`, `BIGINT UNSIGNED`, `TEXT`, `BOOLEAN` (TINYINT(1)), ... */
export function typeName(f: MyField): string {
  const blob = BLOB_NAMES[f.columnType];
  if (blob) return f.characterSet === BINARY_CHARSET ? blob[0] : blob[1];
  const base = f.columnType === T.TINY ? (f.columnLength === 1 ? 'BOOLEAN' : 'TINYINT') : (FIXED_NAMES[f.columnType] ?? '');
  return INTEGERS.has(f.columnType) && f.flags & UNSIGNED_FLAG && base !== 'BOOLEAN' ? `${base} UNSIGNED` : base;
}

/** `2026-01-02 03:04:05.678` (UTC session) → `2026-01-02T03:04:05Z`. */
function utcTimestamp(text: string): string {
  const m = /^(\d{4,}-\d{2}-\d{2}) (\d{2}:\d{2}:\d{2})/.exec(text);
  return m ? `${m[1]}T${m[2]}Z` : text;
}

export function fromMysqlCell(v: unknown, f: MyField): SqlValue {
  if (v === null || v === undefined) return null;
  if (Buffer.isBuffer(v)) return v.toString('base64');
  if (f.columnType === T.DATETIME || f.columnType === T.TIMESTAMP) return utcTimestamp(String(v));
  // BIGINT arrives as a string (bigNumberStrings): 64-bit integers stay exact strings, as on PostgreSQL.
  if (f.columnType === T.LONGLONG) return String(v);
  if (f.columnType === T.JSON && typeof v === 'string') {
    try {
      return JSON.parse(v);
    } catch {
      return v;
    }
  }
  return v;
}

/** Objects and arrays bind as JSON text; bytes as a Buffer; booleans as 1/0 (MySQL has no boolean type). */
export function toMysqlParam(v: SqlParam): unknown {
  if (typeof v === 'bigint') return v.toString();
  if (typeof v === 'boolean') return v ? 1 : 0;
  if (v instanceof Uint8Array) return Buffer.isBuffer(v) ? v : Buffer.from(v.buffer, v.byteOffset, v.byteLength);
  if (v !== null && typeof v === 'object') return JSON.stringify(v);
  return v;
}
