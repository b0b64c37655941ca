/**
 * An interactive MySQL/MariaDB transaction: one pooled connection from START TRANSACTION until
 * COMMIT/ROLLBACK. A statement's own `timeoutMs` is set on the session around it (as pooled calls do).
 */
import { checkStatement } from '../../sql-text.ts';
import type { ExecResult, QueryOptions, QueryResult, SqlParam, SqlTransaction } from '../sql-driver.ts';
import type { MyConnection } from './types.ts';

/** What the transaction borrows from the driver. */
export interface MySession {
  /** Run `fn` with `timeoutMs` applied to the session, mapping errors. */
  withTimeout<T>(conn: MyConnection, timeoutMs: number | undefined, fn: () => Promise<T>): Promise<T>;
  queryOn(conn: MyConnection, sql: string, params: readonly SqlParam[]): Promise<QueryResult>;
  executeOn(conn: MyConnection, sql: string, params: readonly SqlParam[]): Promise<ExecResult>;
  fail(err: unknown): unknown;
  /** Give the connection back (or destroy it when `broken`). */
  giveBack(conn: MyConnection, broken: boolean): void;
}

const control = (sql: string) => ({ sql, rowsAsArray: true as const });

export class MyTransaction implements SqlTransaction {
  private ended = false;

  constructor(
    private readonly s: MySession,
    private readonly conn: MyConnection,
    private readonly onEnd: () => void,
  ) {}

  async query(sql: string, params: readonly SqlParam[] = [], opts: QueryOptions = {}): Promise<QueryResult> {
    checkStatement(sql, 'mysql');
    return this.s.withTimeout(this.conn, opts.timeoutMs, () => this.s.queryOn(this.conn, sql, params));
  }

  async execute(sql: string, params: readonly SqlParam[] = [], opts: QueryOptions = {}): Promise<ExecResult> {
    checkStatement(sql, 'mysql');
    return this.s.withTimeout(this.conn, opts.timeoutMs, () => this.s.executeOn(this.conn, sql, params));
  }

  private end(broken: boolean): void {
    if (this.ended) return;
    this.ended = true;
    this.s.giveBack(this.conn, broken);
    this.onEnd();
  }

  async commit(): Promise<void> {
    try {
      await this.conn.query(control('COMMIT'));
    } catch (err) {
      await this.rollback();
      throw this.s.fail(err);
    }
    this.end(false);
  }

  async rollback(): Promise<void> {
    if (this.ended) return;
    await this.conn.query(control('ROLLBACK')).then(
      () => this.end(false),
      () => this.end(true),
    );
  }
}
