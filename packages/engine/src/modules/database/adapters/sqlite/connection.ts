/**
 * One better-sqlite3 connection and everything synchronous about it: the prepared-statement cache, the
 * cell mapping, the batch transaction and the commit gate. It runs on a SQLite worker thread
 * (`thread.ts`), or on the engine's thread in the in-thread mode kept for the benchmark.
 *
 * The commit gate: on a worker thread every write outside an interactive transaction runs inside
 * `BEGIN IMMEDIATE … COMMIT`, and COMMIT happens only if `gate.settle()` says the caller has not given
 * up (QUERY_TIMEOUT). So a timed-out write is rolled back, never committed behind the caller's back.
 */
import { mkdirSync } from 'node:fs';
import { dirname } from 'node:path';
import Database from 'better-sqlite3';
import { withFailedIndex } from '../../errors.ts';
import { checkStatement, firstKeyword, isInsert } from '../../sql-text.ts';
import type { ExecResult, QueryResult, SqlColumn, SqlParam, SqlRow, SqlStatement } from '../sql-driver.ts';
import { mapSqliteError } from './errors.ts';
import { MEMORY } from './path.ts';
import type { GroupItem, GroupOutcome } from './protocol.ts';
import type { SqliteDatabase, SqliteStatement } from './types.ts';
import { fromSqliteCell, toSqliteParam } from './values.ts';

/** Prepared statements kept per connection; Linkly-style workloads reuse a handful of SQL texts. */
const STATEMENT_CACHE_SIZE = 200;
const DDL = new Set(['CREATE', 'DROP', 'ALTER']);
/** Statements SQLite refuses inside a transaction: they run bare, so a timeout cannot cancel them. */
const UNGATED = new Set(['VACUUM', 'ATTACH', 'DETACH', 'PRAGMA']);

export interface ConnectionOptions {
  /** A file path or `:memory:`. */
  file: string;
  busyTimeoutMs: number;
  /** A reader (a worker thread serving read-only statements) leaves the journal mode to the writer. */
  reader?: boolean;
}

/** Asked once a write is done, before COMMIT: false when the caller gave up (the write is rolled back). */
export interface CommitGate {
  settle(): boolean;
}

/** The in-thread mode has no caller that can give up mid-statement. */
export const ALWAYS_COMMIT: CommitGate = { settle: () => true };

function open(opts: ConnectionOptions): SqliteDatabase {
  const { file } = opts;
  if (file !== MEMORY) mkdirSync(dirname(file), { recursive: true });
  const db: SqliteDatabase = new Database(file);
  // WAL lets the reader threads (and `iii trigger database::query` from elsewhere) run while we write.
  if (file !== MEMORY && !opts.reader) db.pragma('journal_mode = WAL');
  db.pragma(`busy_timeout = ${Math.trunc(opts.busyTimeoutMs)}`);
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
 * point SELECT, so it is cached; DDL through this connection clears the cache, and a row whose width
 * differs from the cached columns (schema changed by another connection) refreshes them.
 */
interface Prepared {
  stmt: SqliteStatement;
  columns: SqlColumn[];
  insert: boolean;
  gated: boolean;
}

function describe(stmt: SqliteStatement): SqlColumn[] {
  return stmt.reader ? stmt.columns().map((c) => ({ name: c.name, type: c.type ?? '' })) : [];
}

export class SqliteConnection {
  private db: SqliteDatabase | undefined;
  private readonly cache = new Map<string, Prepared>();

  constructor(private readonly opts: ConnectionOptions) {}

  private conn(): SqliteDatabase {
    this.db ??= open(this.opts);
    return this.db;
  }

  get inTransaction(): boolean {
    return this.db?.inTransaction ?? false;
  }

  /** Validated (INVALID_PARAM) and prepared once per SQL text. */
  private prepare(sql: string): Prepared {
    const hit = this.cache.get(sql);
    if (hit) return hit;
    checkStatement(sql, 'sqlite');
    const stmt = this.conn().prepare(sql);
    if (stmt.reader) stmt.raw(true);
    stmt.safeIntegers(true);
    const kw = firstKeyword(sql);
    const prepared = { stmt, columns: describe(stmt), insert: isInsert(sql), gated: !stmt.readonly && !UNGATED.has(kw) };
    if (DDL.has(kw)) return prepared;
    if (this.cache.size >= STATEMENT_CACHE_SIZE) this.cache.delete(this.cache.keys().next().value as string);
    this.cache.set(sql, prepared);
    return prepared;
  }

  /** True when the statement only reads (a reader thread may run it). Throws for bad SQL. */
  isReadonly(sql: string): boolean {
    try {
      return this.prepare(sql).stmt.readonly;
    } catch (err) {
      throw mapSqliteError(err);
    }
  }

  private readRows(p: Prepared, params: readonly SqlParam[]): QueryResult {
    const raw = p.stmt.all(...params.map(toSqliteParam));
    if (raw.length > 0 && (raw[0] as unknown[]).length !== p.columns.length) p.columns = describe(p.stmt);
    return { columns: p.columns, rows: toRows(p.columns, raw) };
  }

  /** Run a statement; DDL invalidates cached column lists. */
  private runOne(p: Prepared, sql: string, params: readonly SqlParam[]): ExecResult {
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

  /**
   * Run `fn` as its own transaction when it writes outside an interactive transaction and a gate is in
   * play, committing only if the gate settles. Reads, interactive-transaction statements and the
   * in-thread mode run as they are.
   */
  private gated<T>(p: Prepared, gate: CommitGate, fn: () => T): T {
    if (!p.gated || gate === ALWAYS_COMMIT || this.conn().inTransaction) return fn();
    const db = this.conn();
    db.exec('BEGIN IMMEDIATE');
    try {
      const result = fn();
      if (!gate.settle()) throw cancelled();
      db.exec('COMMIT');
      return result;
    } finally {
      if (db.inTransaction) db.exec('ROLLBACK');
    }
  }

  query(sql: string, params: readonly SqlParam[] = [], gate: CommitGate = ALWAYS_COMMIT): QueryResult {
    try {
      const p = this.prepare(sql);
      return this.gated(p, gate, () => {
        if (p.stmt.reader) return this.readRows(p, params);
        this.runOne(p, sql, params);
        return { columns: [], rows: [] };
      });
    } catch (err) {
      throw mapSqliteError(err);
    }
  }

  execute(sql: string, params: readonly SqlParam[] = [], gate: CommitGate = ALWAYS_COMMIT): ExecResult {
    try {
      const p = this.prepare(sql);
      return this.gated(p, gate, () => this.runOne(p, sql, params));
    } catch (err) {
      throw mapSqliteError(err);
    }
  }

  /** All statements or none; COMMIT only if the gate settles. */
  batch(statements: readonly SqlStatement[], gate: CommitGate = ALWAYS_COMMIT): ExecResult[] {
    for (const [i, st] of statements.entries()) checkStatement(st.sql, 'sqlite', i);
    // IMMEDIATE takes the write lock up front (bounded by busy_timeout) instead of failing mid-way.
    this.begin();
    const db = this.conn();
    try {
      const results = statements.map((st, i) => this.runIndexed(st, i));
      if (!gate.settle()) throw cancelled();
      db.exec('COMMIT');
      return results;
    } catch (err) {
      if (db.inTransaction) db.exec('ROLLBACK');
      throw mapSqliteError(err);
    }
  }

  /**
   * Group commit: independent writes in one `BEGIN IMMEDIATE … COMMIT`, so they share one WAL fsync
   * instead of paying one each. Each runs in its own SAVEPOINT: a failing statement rolls back to it and
   * gets its own error, the others are unaffected. COMMIT only if the gate settles; nothing is answered
   * before it. Throws (nothing committed) when SQLite ended the whole transaction or the gate was
   * cancelled: the lane then runs each statement alone.
   */
  group(items: readonly GroupItem[], gate: CommitGate = ALWAYS_COMMIT): GroupOutcome<unknown>[] {
    this.begin();
    const db = this.conn();
    try {
      const outcomes = items.map((it) => this.savepoint(it));
      if (!gate.settle()) throw cancelled();
      db.exec('COMMIT');
      return outcomes;
    } catch (err) {
      throw mapSqliteError(err);
    } finally {
      if (db.inTransaction) db.exec('ROLLBACK');
    }
  }

  private savepoint(it: GroupItem): GroupOutcome<unknown> {
    const db = this.conn();
    db.exec('SAVEPOINT grouped');
    try {
      const value = this.runOne(this.prepare(it.sql), it.sql, it.params);
      db.exec('RELEASE grouped');
      return { ok: true, value };
    } catch (err) {
      // Some errors (SQLITE_FULL, I/O) end the whole transaction: the group as a whole fails then.
      if (!db.inTransaction) throw err;
      db.exec('ROLLBACK TO grouped');
      db.exec('RELEASE grouped');
      return { ok: false, error: mapSqliteError(err) };
    }
  }

  private runIndexed(st: SqlStatement, index: number): ExecResult {
    try {
      return this.runOne(this.prepare(st.sql), st.sql, st.params ?? []);
    } catch (err) {
      throw withFailedIndex(mapSqliteError(err), index);
    }
  }

  /** BEGIN IMMEDIATE: the write lock is taken now (waiting up to busy_timeout), not at the first write. */
  begin(): void {
    try {
      this.conn().exec('BEGIN IMMEDIATE');
    } catch (err) {
      throw mapSqliteError(err);
    }
  }

  commit(gate: CommitGate = ALWAYS_COMMIT): void {
    const db = this.conn();
    try {
      if (!gate.settle()) throw cancelled();
      db.exec('COMMIT');
    } catch (err) {
      if (db.inTransaction) db.exec('ROLLBACK');
      throw mapSqliteError(err);
    }
  }

  /** Idempotent: nothing to do when no transaction is open. */
  rollback(): void {
    if (this.db?.inTransaction) this.db.exec('ROLLBACK');
  }

  close(): void {
    this.cache.clear();
    this.db?.close();
    this.db = undefined;
  }
}

/** Never reaches a caller: the main thread answered QUERY_TIMEOUT already and discards this thread. */
function cancelled(): Error {
  return new Error('cancelled: the caller timed out; rolled back');
}
