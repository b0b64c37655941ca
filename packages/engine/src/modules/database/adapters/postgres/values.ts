/**
 * PostgreSQL ⇄ JSON value mapping (workers.md §3.2), done with per-pool type parsers (never the global
 * `pg.types`, which other code in the process may rely on).
 */
import pg from 'pg';
import type { SqlParam, SqlValue } from '../sql-driver.ts';

export const OID = {
  date: 1082,
  timestamp: 1114,
  timestamptz: 1184,
  interval: 1186,
} as const;

/** Type names as the reference (sqlx) reports them; anything else is looked up in pg_type once. */
export const TYPE_NAMES: Readonly<Record<number, string>> = {
  16: 'BOOL',
  17: 'BYTEA',
  18: 'CHAR',
  19: 'NAME',
  20: 'INT8',
  21: 'INT2',
  23: 'INT4',
  25: 'TEXT',
  26: 'OID',
  114: 'JSON',
  700: 'FLOAT4',
  701: 'FLOAT8',
  705: 'UNKNOWN',
  1042: 'BPCHAR',
  1043: 'VARCHAR',
  1082: 'DATE',
  1083: 'TIME',
  1114: 'TIMESTAMP',
  1184: 'TIMESTAMPTZ',
  1186: 'INTERVAL',
  1266: 'TIMETZ',
  1700: 'NUMERIC',
  2278: 'VOID',
  2950: 'UUID',
  3802: 'JSONB',
  1000: 'BOOL[]',
  1005: 'INT2[]',
  1007: 'INT4[]',
  1009: 'TEXT[]',
  1015: 'VARCHAR[]',
  1016: 'INT8[]',
  1021: 'FLOAT4[]',
  1022: 'FLOAT8[]',
  1231: 'NUMERIC[]',
  2951: 'UUID[]',
  3807: 'JSONB[]',
};

/** pg_type spells array types `_int4`; sqlx (and so the reference) says `INT4[]`. */
export function typeNameFromCatalog(typname: string): string {
  const upper = typname.toUpperCase();
  return upper.startsWith('_') ? `${upper.slice(1)}[]` : upper;
}

/** `2024-01-02 03:04:05.678` → `2024-01-02T03:04:05Z`: as the reference, a zone-less timestamp reads as UTC. */
function naiveTimestamp(text: string): string {
  const m = /^(\d{4,}-\d{2}-\d{2}) (\d{2}:\d{2}:\d{2})/.exec(text);
  return m ? `${m[1]}T${m[2]}Z${text.endsWith(' BC') ? ' BC' : ''}` : text;
}

/** `2024-01-02 03:04:05.678+02` → `2024-01-02T01:04:05Z` (UTC, second precision). */
function utcTimestamp(text: string): string {
  const parsed = pg.types.getTypeParser(OID.timestamptz, 'text')(text) as unknown;
  if (!(parsed instanceof Date) || Number.isNaN(parsed.getTime())) return text;
  return `${parsed.toISOString().slice(0, 19)}Z`;
}

const identity = (text: string): string => text;

const TEXT_PARSERS: Readonly<Record<number, (text: string) => unknown>> = {
  [OID.date]: identity,
  [OID.timestamp]: naiveTimestamp,
  [OID.timestamptz]: utcTimestamp,
  [OID.interval]: identity,
};

/** The `types` option handed to the pool: our overrides, pg's defaults for everything else. */
export const typeParsers = {
  getTypeParser(oid: number, format?: string): (value: string) => unknown {
    if ((format ?? 'text') === 'text' && TEXT_PARSERS[oid]) return TEXT_PARSERS[oid];
    return pg.types.getTypeParser(oid, (format ?? 'text') as 'text');
  },
};

/** JSON objects and arrays bind as JSON text (fits json / jsonb / TEXT columns), never as a PostgreSQL array. */
export function toPgParam(v: SqlParam): unknown {
  if (typeof v === 'bigint') return v.toString();
  if (v instanceof Uint8Array) return Buffer.isBuffer(v) ? v : Buffer.from(v.buffer, v.byteOffset, v.byteLength);
  if (v !== null && typeof v === 'object') return JSON.stringify(v);
  return v;
}

/** Cells already went through the type parsers; only blobs (Buffer) need mapping, nested ones too. */
export function fromPgCell(v: unknown): SqlValue {
  if (Buffer.isBuffer(v)) return v.toString('base64');
  if (Array.isArray(v)) return v.map(fromPgCell);
  return v;
}
