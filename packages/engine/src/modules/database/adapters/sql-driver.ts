/**
 * The one SQL driver contract every database adapter implements (SQLite, PostgreSQL, MySQL/MariaDB).
 *
 * Structural and driver-neutral on purpose: nothing from `better-sqlite3` or `pg` leaks through, so
 * functions, the `sql` service and the conformance suite are written once against this file.
 * Values coming out are already JSON-ready (see `SqlValue`): the cell mapping of workers.md §3.2 is
 * done inside the adapter, where the driver's own type information is available.
 */

/** A bound parameter. `Uint8Array` (blobs) and `bigint` are only reachable from in-process callers. */
export type SqlParam = string | number | boolean | null | bigint | Uint8Array | readonly unknown[] | { readonly [k: string]: unknown };

/**
 * A cell as returned to callers: NULL → null, integers → number (64-bit identity / out-of-range → string),
 * floats → number, text → string, blobs → base64 string, timestamps → RFC 3339 string,
 * decimals → string, JSON columns → parsed JSON.
 */
export type SqlValue = unknown;
export type SqlRow = Record<string, SqlValue>;

export interface SqlColumn {
  name: string;
  /** Declared column type; `""` when the column is an expression (e.g. `COUNT(*)` on SQLite). */
  type: string;
}

export interface QueryResult {
  columns: SqlColumn[];
  rows: SqlRow[];
}

export interface ExecResult {
  affectedRows: number;
  /** SQLite: last rowid of an INSERT; PostgreSQL: first column of the first returned row. */
  lastInsertId: string | null;
  /** Rows produced by the statement (`RETURNING`, or a SELECT inside a transaction). */
  returnedRows: SqlRow[];
}

export interface SqlStatement {
  sql: string;
  params?: readonly SqlParam[];
}

export interface QueryOptions {
  /** Abort the statement after this long (QUERY_TIMEOUT). */
  timeoutMs?: number;
}

/** Levels a driver may be asked for (isolation.ts says which each driver accepts). */
export type IsolationLevel = 'read_committed' | 'repeatable_read' | 'serializable' | 'read_uncommitted';

export interface TransactionOptions extends QueryOptions {
  /** Absent → the server's default (PostgreSQL/MariaDB: read committed / repeatable read; SQLite: serializable). */
  isolation?: IsolationLevel;
}

export type SqlDialect = 'sqlite' | 'postgres' | 'mysql';

export interface SqlDriver {
  readonly dialect: SqlDialect;
  /** Run a statement and return its rows (a statement that returns no rows gives `rows: []`). */
  query(sql: string, params?: readonly SqlParam[], opts?: QueryOptions): Promise<QueryResult>;
  /** Run a statement for its effect. */
  execute(sql: string, params?: readonly SqlParam[], opts?: QueryOptions): Promise<ExecResult>;
  /** Run statements atomically: all commit or none do. Results are in statement order. */
  transaction(statements: readonly SqlStatement[], opts?: TransactionOptions): Promise<ExecResult[]>;
  /** Release every connection; idempotent. In-flight calls finish first where the driver allows. */
  close(): Promise<void>;
  /**
   * Open an interactive transaction on a connection of its own until commit/rollback (SQLite: the writer
   * thread, so other writes queue behind it). Waits up to pool.acquire_timeout_ms (POOL_TIMEOUT).
   */
  begin(opts?: TransactionOptions): Promise<SqlTransaction>;
  /** Connections checked out now, for tests and diagnostics (an open transaction counts as one). */
  stats(): PoolStats;
}

/** One interactive transaction. Calls must not overlap (the handle layer serialises them). */
export interface SqlTransaction {
  query(sql: string, params?: readonly SqlParam[], opts?: QueryOptions): Promise<QueryResult>;
  execute(sql: string, params?: readonly SqlParam[], opts?: QueryOptions): Promise<ExecResult>;
  /** COMMIT and give the connection back; a failed COMMIT is followed by a best-effort ROLLBACK. */
  commit(): Promise<void>;
  /** ROLLBACK and give the connection back (a connection that cannot roll back is discarded); never throws. */
  rollback(): Promise<void>;
}

export interface PoolStats {
  /** Connections (SQLite: threads) busy or held by a transaction. */
  inUse: number;
  /** Interactive transactions open. */
  transactions: number;
}

/** Per-database settings an adapter needs (already validated and defaulted by config.ts). */
export interface DriverOptions {
  /** Database name in config (used in error details). */
  name: string;
  url: string;
  pool: { max: number; idle_timeout_ms: number; acquire_timeout_ms: number };
  tls?: { mode: 'disable' | 'require' | 'verify-full'; ca_cert?: string; trust_native: boolean };
  /** Relative SQLite paths resolve against this directory. */
  baseDir: string;
  /**
   * This engine's id on its sessions (PostgreSQL: the `triad.origin` setting), so the row-change feed can tell
   * its own writes (announced by the functions) from others' (announced from NOTIFY).
   */
  origin?: string;
}
