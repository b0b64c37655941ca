/**
 * SQLite adapter on better-sqlite3. One connection per database: better-sqlite3 is synchronous, so
 * calls are naturally serialised on the event loop and a transaction (BEGIN..COMMIT with no await in
 * between) cannot interleave with anything else. `pool.max` therefore has no effect here.
 *
 * Known limit: a running statement cannot be interrupted (better-sqlite3 has no interrupt), so
 * `timeoutMs` is not enforced on SQLite; `busy_timeout` (= pool.acquire_timeout_ms) bounds lock waits.
 */
import { mkdirSync } from 'node:fs';
import { dirname } from 'node:path';
import Database from 'better-sqlite3';
import { withFailedIndex } from '../../errors.ts';
import { checkStatement, isInsert } from '../../sql-text.ts';
import type { DriverOptions, ExecResult, QueryResult, SqlColumn, SqlDriver, SqlParam, SqlRow, SqlStatement } from '../driver.ts';
import { mapSqliteError } from './errors.ts';
import { MEMORY, sqlitePath } from './path.ts';
import type { SqliteDatabase, SqliteStatement } from './types.ts';
import { fromSqliteCell, toSqliteParam } from './values.ts';

/** Prepared statements kept per connection; Linkly-style workloads reuse a handful of SQL texts. */
const STATEMENT_CACHE_SIZE = 200;

function open(opts: DriverOptions): SqliteDatabase {
  const file = sqlitePath(opts.url, opts.baseDir);
  if (file !== MEMORY) mkdirSync(dirname(file), { recursive: true });
  const db: SqliteDatabase = new Database(file);
  // WAL lets readers (e.g. `iii trigger database::query` from elsewhere) run while we write.
  if (file !== MEMORY) db.pragma('journal_mode = WAL');
  db.pragma(`busy_timeout = ${Math.trunc(opts.pool.acquire_timeout_ms)}`);
  db.pragma('foreign_keys = ON');
  return db;
}

function toRows(columns: SqlColumn[], raw: unknown[]): SqlRow[] {
  return raw.map((r) => {
    const cells = r as unknown[];
    const row: SqlRow = {};
    columns.forEach((c, i) => {
      row[c.name] = fromSqliteCell(cells[i]);
    });
    return row;
  });
}

class SqliteDriver implements SqlDriver {
  readonly dialect = 'sqlite' as const;
  private db: SqliteDatabase | undefined;
  private readonly cache = new Map<string, SqliteStatement>();
  private closed = false;

  constructor(private readonly opts: DriverOptions) {}

  private conn(): SqliteDatabase {
    if (this.closed) throw mapSqliteError(new Error(`database "${this.opts.name}" is closed`));
    this.db ??= open(this.opts);
    return this.db;
  }

  private prepare(sql: string): SqliteStatement {
    const hit = this.cache.get(sql);
    if (hit) return hit;
    const stmt = this.conn().prepare(sql);
    if (stmt.reader) stmt.raw(true);
    stmt.safeIntegers(true);
    if (this.cache.size >= STATEMENT_CACHE_SIZE) this.cache.delete(this.cache.keys().next().value as string);
    this.cache.set(sql, stmt);
    return stmt;
  }

  private readRows(stmt: SqliteStatement, params: readonly SqlParam[]): QueryResult {
    const columns = stmt.columns().map((c) => ({ name: c.name, type: c.type ?? '' }));
    return { columns, rows: toRows(columns, stmt.all(...params.map(toSqliteParam))) };
  }

  private runOne(sql: string, params: readonly SqlParam[]): ExecResult {
    const stmt = this.prepare(sql);
    const insert = isInsert(sql);
    if (!stmt.reader) {
      const info = stmt.run(...params.map(toSqliteParam));
      return { affectedRows: info.changes, lastInsertId: insert ? String(info.lastInsertRowid) : null, returnedRows: [] };
    }
    // A statement that returns rows (RETURNING, SELECT): count changes around it since .all() reports none.
    const counters = this.prepare('SELECT total_changes(), last_insert_rowid()');
    const before = Number((counters.all()[0] as bigint[])[0]);
    const { rows } = this.readRows(stmt, params);
    const after = counters.all()[0] as bigint[];
    return { affectedRows: Number(after[0]) - before, lastInsertId: insert ? String(after[1]) : null, returnedRows: rows };
  }

  async query(sql: string, params: readonly SqlParam[] = []): Promise<QueryResult> {
    checkStatement(sql);
    try {
      const stmt = this.prepare(sql);
      if (stmt.reader) return this.readRows(stmt, params);
      stmt.run(...params.map(toSqliteParam));
      return { columns: [], rows: [] };
    } catch (err) {
      throw mapSqliteError(err);
    }
  }

  async execute(sql: string, params: readonly SqlParam[] = []): Promise<ExecResult> {
    checkStatement(sql);
    try {
      return this.runOne(sql, params);
    } catch (err) {
      throw mapSqliteError(err);
    }
  }

  async transaction(statements: readonly SqlStatement[]): Promise<ExecResult[]> {
    for (const [i, st] of statements.entries()) checkStatement(st.sql, i);
    const db = this.conn();
    db.exec('BEGIN IMMEDIATE');
    const results: ExecResult[] = [];
    try {
      statements.forEach((st, i) => {
        try {
          results.push(this.runOne(st.sql, st.params ?? []));
        } catch (err) {
          throw withFailedIndex(mapSqliteError(err), i);
        }
      });
      db.exec('COMMIT');
      return results;
    } catch (err) {
      if (db.inTransaction) db.exec('ROLLBACK');
      throw err;
    }
  }

  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    this.cache.clear();
    this.db?.close();
    this.db = undefined;
  }
}

export function createSqliteDriver(opts: DriverOptions): SqlDriver {
  return new SqliteDriver(opts);
}
