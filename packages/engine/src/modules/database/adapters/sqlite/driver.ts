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
import { checkStatement, firstKeyword, isInsert } from '../../sql-text.ts';
import type { DriverOptions, ExecResult, QueryResult, SqlColumn, SqlDriver, SqlParam, SqlRow, SqlStatement } from '../sql-driver.ts';
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

/**
 * A prepared statement plus what we learned about it once. `columns()` costs more than running a
 * point SELECT, so it is cached; DDL through this driver clears the cache, and a row whose width
 * differs from the cached columns (schema changed by another connection) refreshes them.
 */
interface Prepared {
  stmt: SqliteStatement;
  columns: SqlColumn[];
  insert: boolean;
}

const DDL = new Set(['CREATE', 'DROP', 'ALTER']);

function describe(stmt: SqliteStatement): SqlColumn[] {
  return stmt.reader ? stmt.columns().map((c) => ({ name: c.name, type: c.type ?? '' })) : [];
}

class SqliteDriver implements SqlDriver {
  readonly dialect = 'sqlite' as const;
  private db: SqliteDatabase | undefined;
  private readonly cache = new Map<string, Prepared>();
  private closed = false;

  constructor(private readonly opts: DriverOptions) {}

  private conn(): SqliteDatabase {
    if (this.closed) throw mapSqliteError(new Error(`database "${this.opts.name}" is closed`));
    this.db ??= open(this.opts);
    return this.db;
  }

  /** Validated (INVALID_PARAM) and prepared once per SQL text. */
  private prepare(sql: string): Prepared {
    const hit = this.cache.get(sql);
    if (hit) return hit;
    checkStatement(sql, 'sqlite');
    const stmt = this.conn().prepare(sql);
    if (stmt.reader) stmt.raw(true);
    stmt.safeIntegers(true);
    const prepared = { stmt, columns: describe(stmt), insert: isInsert(sql) };
    if (DDL.has(firstKeyword(sql))) return prepared;
    if (this.cache.size >= STATEMENT_CACHE_SIZE) this.cache.delete(this.cache.keys().next().value as string);
    this.cache.set(sql, prepared);
    return prepared;
  }

  private readRows(p: Prepared, params: readonly SqlParam[]): QueryResult {
    const raw = p.stmt.all(...params.map(toSqliteParam));
    if (raw.length > 0 && (raw[0] as unknown[]).length !== p.columns.length) p.columns = describe(p.stmt);
    return { columns: p.columns, rows: toRows(p.columns, raw) };
  }

  /** Run a statement; DDL invalidates cached column lists. */
  private runOne(sql: string, params: readonly SqlParam[]): ExecResult {
    const p = this.prepare(sql);
    if (!p.stmt.reader) {
      const info = p.stmt.run(...params.map(toSqliteParam));
      if (DDL.has(firstKeyword(sql))) this.cache.clear();
      return { affectedRows: info.changes, lastInsertId: p.insert ? String(info.lastInsertRowid) : null, returnedRows: [] };
    }
    // A statement that returns rows (RETURNING, SELECT): count changes around it since .all() reports none.
    const counters = this.prepare('SELECT total_changes(), last_insert_rowid()').stmt;
    const before = Number((counters.all()[0] as bigint[])[0]);
    const { rows } = this.readRows(p, params);
    const after = counters.all()[0] as bigint[];
    return { affectedRows: Number(after[0]) - before, lastInsertId: p.insert ? String(after[1]) : null, returnedRows: rows };
  }

  async query(sql: string, params: readonly SqlParam[] = []): Promise<QueryResult> {
    try {
      const p = this.prepare(sql);
      if (p.stmt.reader) return this.readRows(p, params);
      this.runOne(sql, params);
      return { columns: [], rows: [] };
    } catch (err) {
      throw mapSqliteError(err);
    }
  }

  async execute(sql: string, params: readonly SqlParam[] = []): Promise<ExecResult> {
    try {
      return this.runOne(sql, params);
    } catch (err) {
      throw mapSqliteError(err);
    }
  }

  async transaction(statements: readonly SqlStatement[]): Promise<ExecResult[]> {
    for (const [i, st] of statements.entries()) checkStatement(st.sql, 'sqlite', i);
    let db: SqliteDatabase;
    try {
      db = this.conn();
      // IMMEDIATE takes the write lock up front (bounded by busy_timeout) instead of failing mid-way.
      db.exec('BEGIN IMMEDIATE');
    } catch (err) {
      throw mapSqliteError(err);
    }
    try {
      const results = statements.map((st, i) => this.runIndexed(st, i));
      db.exec('COMMIT');
      return results;
    } catch (err) {
      if (db.inTransaction) db.exec('ROLLBACK');
      throw mapSqliteError(err);
    }
  }

  private runIndexed(st: SqlStatement, index: number): ExecResult {
    try {
      return this.runOne(st.sql, st.params ?? []);
    } catch (err) {
      throw withFailedIndex(mapSqliteError(err), index);
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
