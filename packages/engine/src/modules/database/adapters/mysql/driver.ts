/**
 * MySQL / MariaDB adapter on a `mysql2` pool. Statements go through the binary protocol (`execute`:
 * prepared and cached per connection, values bound server-side, never interpolated). Each physical
 * connection is set up once: session time zone UTC (TIMESTAMP reads as UTC) and the server-side
 * statement timeout (MariaDB `max_statement_time`, MySQL `max_execution_time`), so `timeoutMs` really
 * stops the statement (→ QUERY_TIMEOUT) instead of abandoning it.
 *
 * mysql2 has no acquire timeout of its own: `acquire()` races the pool against pool.acquire_timeout_ms
 * (→ POOL_TIMEOUT) and releases a connection that arrives after the caller gave up.
 *
 * RETURNING: MariaDB ≥ 10.5 has it on INSERT / REPLACE / DELETE (affected rows = returned rows, and
 * last_insert_id = first column of the first returned row, as on PostgreSQL); MySQL has none.
 */
import mysql from 'mysql2/promise';
import { dbError, withFailedIndex } from '../../errors.ts';
import { isolationSql } from '../../isolation.ts';
import { checkStatement, isInsert } from '../../sql-text.ts';
import type {
  DriverOptions,
  ExecResult,
  PoolStats,
  QueryOptions,
  QueryResult,
  SqlDriver,
  SqlParam,
  SqlRow,
  SqlStatement,
  SqlTransaction,
  TransactionOptions,
} from '../sql-driver.ts';
import { tlsOption } from '../tls.ts';
import { mapMysqlError } from './errors.ts';
import { MyTransaction } from './transaction.ts';
import type { MyConnection, MyField, MyHeader, MyPool, MyResult } from './types.ts';
import { fromMysqlCell, toMysqlParam, typeName } from './values.ts';

/** The session default; calls asking for another timeout SET it around the statement. */
export const DEFAULT_TIMEOUT_MS = 30_000;
/** ER_UNSUPPORTED_PS: this statement cannot be prepared; it runs over the text protocol instead. */
const UNSUPPORTED_PS = 1295;

type Flavor = 'mariadb' | 'mysql';

class MysqlDriver implements SqlDriver {
  readonly dialect = 'mysql' as const;
  private readonly pool: MyPool;
  /** Physical connections already set up, keyed by the pooled wrapper's underlying connection. */
  private readonly ready = new WeakMap<object, Flavor>();
  private closing: Promise<void> | undefined;

  constructor(private readonly opts: DriverOptions) {
    const ssl = tlsOption(opts.tls);
    this.pool = mysql.createPool({
      uri: opts.url,
      connectionLimit: opts.pool.max,
      maxIdle: opts.pool.max,
      idleTimeout: opts.pool.idle_timeout_ms,
      connectTimeout: opts.pool.acquire_timeout_ms,
      supportBigNumbers: true,
      bigNumberStrings: true,
      dateStrings: true,
      multipleStatements: false,
      ...(ssl ? { ssl } : {}),
    }) as unknown as MyPool;
    // An idle connection dying (server restart) must not crash the engine; the pool replaces it.
    this.pool.on('error', () => {});
  }

  /** Connections checked out now, and how many of them hold an interactive transaction. */
  private checkedOut = 0;
  private openTransactions = 0;
  /** Connections whose session timeout could not be put back: destroyed instead of returned. */
  private readonly broken = new WeakSet<MyConnection>();

  fail(err: unknown, timeoutMs = DEFAULT_TIMEOUT_MS): unknown {
    return mapMysqlError(err, { db: this.opts.name, timeoutMs });
  }

  private async acquire(): Promise<MyConnection> {
    if (this.closing) throw this.fail(new Error(`database "${this.opts.name}" is closed`));
    const waited = this.opts.pool.acquire_timeout_ms;
    let timer: NodeJS.Timeout | undefined;
    let gaveUp = false;
    const pending = this.pool.getConnection();
    const timeout = new Promise<never>((_, reject) => {
      timer = setTimeout(() => {
        gaveUp = true;
        reject(
          dbError('POOL_TIMEOUT', `no connection to "${this.opts.name}" within ${waited} ms`, { db: this.opts.name, waited_ms: waited }),
        );
      }, waited);
    });
    pending.then(
      (c) => gaveUp && c.release(),
      () => {},
    );
    try {
      const conn = await Promise.race([pending, timeout]);
      await this.setUp(conn);
      this.checkedOut++;
      return conn;
    } catch (err) {
      throw this.fail(err);
    } finally {
      clearTimeout(timer);
    }
  }

  /** Once per physical connection: UTC session and the default statement timeout. */
  private async setUp(conn: MyConnection): Promise<void> {
    const key = (conn as unknown as { connection: object }).connection;
    if (this.ready.has(key)) return;
    try {
      const [rows] = await conn.query({ sql: 'SELECT VERSION()', rowsAsArray: true });
      const flavor: Flavor = /mariadb/i.test(String((rows as unknown[][])[0]?.[0])) ? 'mariadb' : 'mysql';
      await conn.query({ sql: "SET time_zone = '+00:00'", rowsAsArray: true });
      await conn.query({ sql: timeoutSql(flavor, DEFAULT_TIMEOUT_MS), rowsAsArray: true });
      this.ready.set(key, flavor);
    } catch (err) {
      conn.destroy();
      throw err;
    }
  }

  /** Check a connection out, apply a non-default timeout for the duration of `fn`, always give it back. */
  private async withConn<T>(timeoutMs: number | undefined, fn: (c: MyConnection) => Promise<T>): Promise<T> {
    const conn = await this.acquire();
    try {
      return await this.withTimeout(conn, timeoutMs, () => fn(conn));
    } finally {
      this.giveBack(conn, false);
    }
  }

  /** Apply a non-default statement timeout to `conn` for the duration of `fn`; errors come out mapped. */
  async withTimeout<T>(conn: MyConnection, timeoutMs: number | undefined, fn: () => Promise<T>): Promise<T> {
    const flavor = this.ready.get((conn as unknown as { connection: object }).connection) ?? 'mariadb';
    const custom = timeoutMs !== undefined && timeoutMs !== DEFAULT_TIMEOUT_MS;
    try {
      if (custom) await conn.query({ sql: timeoutSql(flavor, timeoutMs), rowsAsArray: true });
      return await fn();
    } catch (err) {
      throw this.fail(err, timeoutMs);
    } finally {
      if (custom) await conn.query({ sql: timeoutSql(flavor, DEFAULT_TIMEOUT_MS), rowsAsArray: true }).catch(() => this.broken.add(conn));
    }
  }

  /** Back to the pool, or destroyed when its session could not be reset. */
  giveBack(conn: MyConnection, broken: boolean): void {
    this.checkedOut--;
    if (broken || this.broken.has(conn)) conn.destroy();
    else conn.release();
  }

  private async run(conn: MyConnection, sql: string, params: readonly SqlParam[]): Promise<MyResult> {
    const values = params.map(toMysqlParam);
    try {
      return await conn.execute({ sql, rowsAsArray: true }, values);
    } catch (err) {
      if ((err as { errno?: number }).errno !== UNSUPPORTED_PS) throw err;
      return conn.query({ sql, rowsAsArray: true }, values);
    }
  }

  async queryOn(conn: MyConnection, sql: string, params: readonly SqlParam[]): Promise<QueryResult> {
    const [rows, fields] = await this.run(conn, sql, params);
    if (!Array.isArray(rows) || !fields) return { columns: [], rows: [] };
    return { columns: fields.map((f) => ({ name: f.name, type: typeName(f) })), rows: toRows(rows, fields) };
  }

  async executeOn(conn: MyConnection, sql: string, params: readonly SqlParam[]): Promise<ExecResult> {
    return toExec(sql, await this.run(conn, sql, params));
  }

  async query(sql: string, params: readonly SqlParam[] = [], opts: QueryOptions = {}): Promise<QueryResult> {
    checkStatement(sql, 'mysql');
    return this.withConn(opts.timeoutMs, (conn) => this.queryOn(conn, sql, params));
  }

  async execute(sql: string, params: readonly SqlParam[] = [], opts: QueryOptions = {}): Promise<ExecResult> {
    checkStatement(sql, 'mysql');
    return this.withConn(opts.timeoutMs, (conn) => this.executeOn(conn, sql, params));
  }

  async transaction(statements: readonly SqlStatement[], opts: TransactionOptions = {}): Promise<ExecResult[]> {
    for (const [i, st] of statements.entries()) checkStatement(st.sql, 'mysql', i);
    return this.withConn(opts.timeoutMs, async (conn) => {
      // SET TRANSACTION (no SESSION/GLOBAL) applies to the next transaction only: the pooled session keeps its default.
      if (opts.isolation) await conn.query({ sql: `SET TRANSACTION ISOLATION LEVEL ${isolationSql(opts.isolation)}`, rowsAsArray: true });
      await conn.query({ sql: 'START TRANSACTION', rowsAsArray: true });
      try {
        const results: ExecResult[] = [];
        for (const [i, st] of statements.entries()) {
          const r = await this.run(conn, st.sql, st.params ?? []).catch((err: unknown) =>
            Promise.reject(withFailedIndex(this.fail(err, opts.timeoutMs), i)),
          );
          results.push(toExec(st.sql, r));
        }
        await conn.query({ sql: 'COMMIT', rowsAsArray: true });
        return results;
      } catch (err) {
        // A failed ROLLBACK means a dead connection; the statement's error is the news.
        await conn.query({ sql: 'ROLLBACK', rowsAsArray: true }).catch(() => {});
        throw err;
      }
    });
  }

  /** A connection of its own until COMMIT/ROLLBACK (transaction.ts). */
  async begin(opts: TransactionOptions = {}): Promise<SqlTransaction> {
    const conn = await this.acquire();
    try {
      if (opts.isolation) await conn.query({ sql: `SET TRANSACTION ISOLATION LEVEL ${isolationSql(opts.isolation)}`, rowsAsArray: true });
      await conn.query({ sql: 'START TRANSACTION', rowsAsArray: true });
    } catch (err) {
      this.giveBack(conn, true);
      throw this.fail(err);
    }
    this.openTransactions++;
    return new MyTransaction(this, conn, () => this.openTransactions--);
  }

  stats(): PoolStats {
    return { inUse: this.checkedOut, transactions: this.openTransactions };
  }

  close(): Promise<void> {
    this.closing ??= this.pool.end();
    return this.closing;
  }
}

function timeoutSql(flavor: Flavor, ms: number): string {
  const n = Math.max(1, Math.trunc(ms));
  return flavor === 'mariadb' ? `SET SESSION max_statement_time = ${n / 1000}` : `SET SESSION max_execution_time = ${n}`;
}

function toRows(rows: unknown[][], fields: MyField[]): SqlRow[] {
  return rows.map((cells) => {
    const row: SqlRow = {};
    fields.forEach((f, i) => {
      row[f.name] = fromMysqlCell(cells[i], f);
    });
    return row;
  });
}

function toExec(sql: string, [result, fields]: MyResult): ExecResult {
  if (Array.isArray(result)) {
    const returnedRows = toRows(result, fields ?? []);
    const first = returnedRows[0] === undefined ? undefined : Object.values(returnedRows[0])[0];
    const insert = isInsert(sql);
    return {
      affectedRows: insert || /^\s*DELETE/i.test(sql) ? result.length : 0,
      lastInsertId: insert && first !== undefined && first !== null ? String(first) : null,
      returnedRows,
    };
  }
  const header = result as MyHeader;
  return {
    affectedRows: header.affectedRows,
    lastInsertId: isInsert(sql) && Number(header.insertId) !== 0 ? String(header.insertId) : null,
    returnedRows: [],
  };
}

export function createMysqlDriver(opts: DriverOptions): SqlDriver {
  return new MysqlDriver(opts);
}
