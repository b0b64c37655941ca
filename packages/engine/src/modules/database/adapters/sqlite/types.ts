/**
 * The slice of better-sqlite3 the adapter uses, written structurally so the rest of the module never
 * sees the driver package's types (and a different SQLite binding could be dropped in).
 */
export interface SqliteColumnInfo {
  name: string;
  /** Declared type, `null` for expressions. */
  type: string | null;
}

export interface SqliteRunInfo {
  changes: number;
  lastInsertRowid: number | bigint;
}

export interface SqliteStatement {
  readonly reader: boolean;
  /** True when the statement cannot write (sqlite3_stmt_readonly). */
  readonly readonly: boolean;
  raw(toggle?: boolean): this;
  safeIntegers(toggle?: boolean): this;
  columns(): SqliteColumnInfo[];
  all(...params: unknown[]): unknown[];
  run(...params: unknown[]): SqliteRunInfo;
}

export interface SqliteDatabase {
  prepare(sql: string): SqliteStatement;
  pragma(source: string): unknown;
  exec(sql: string): unknown;
  close(): unknown;
  readonly inTransaction: boolean;
}
