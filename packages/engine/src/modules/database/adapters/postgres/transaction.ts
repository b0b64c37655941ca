/**
 * An interactive PostgreSQL transaction: one pooled client checked out from BEGIN until COMMIT/ROLLBACK.
 * A statement's own `timeoutMs` is applied with `set_config(..., is_local => true)`, which lasts until the
 * transaction ends, and put back after the statement.
 */
import { driverError } from '../../errors.ts';
import { checkStatement } from '../../sql-text.ts';
import type { ExecResult, QueryOptions, QueryResult, SqlColumn, SqlParam, SqlRow, SqlTransaction } from '../sql-driver.ts';
import type { PgClient, PgResult } from './types.ts';

/** What the transaction borrows from the driver. */
export interface PgSession {
  readonly defaultTimeoutMs: number;
  run(client: PgClient, sql: string, params: readonly SqlParam[]): Promise<PgResult>;
  columns(client: PgClient, result: PgResult): Promise<SqlColumn[]>;
  rows(result: PgResult): SqlRow[];
  exec(result: PgResult): ExecResult;
  fail(err: unknown, timeoutMs?: number): unknown;
}

const SET_TIMEOUT = "SELECT set_config('statement_timeout', $1, true)";

export class PgTransaction implements SqlTransaction {
  private ended = false;

  /** `onEnd` is told once, when the client went back to the pool (or was discarded). */
  constructor(
    private readonly s: PgSession,
    private readonly client: PgClient,
    private readonly onEnd: () => void,
  ) {}

  private async statement<T>(timeoutMs: number | undefined, fn: () => Promise<T>): Promise<T> {
    const custom = timeoutMs !== undefined && timeoutMs !== this.s.defaultTimeoutMs;
    try {
      if (custom) await this.s.run(this.client, SET_TIMEOUT, [String(timeoutMs)]);
      const result = await fn();
      if (custom) await this.s.run(this.client, SET_TIMEOUT, [String(this.s.defaultTimeoutMs)]);
      return result;
    } catch (err) {
      throw this.s.fail(err, timeoutMs);
    }
  }

  async query(sql: string, params: readonly SqlParam[] = [], opts: QueryOptions = {}): Promise<QueryResult> {
    checkStatement(sql, 'postgres');
    return this.statement(opts.timeoutMs, async () => {
      const r = await this.s.run(this.client, sql, params);
      return { columns: await this.s.columns(this.client, r), rows: this.s.rows(r) };
    });
  }

  async execute(sql: string, params: readonly SqlParam[] = [], opts: QueryOptions = {}): Promise<ExecResult> {
    checkStatement(sql, 'postgres');
    return this.statement(opts.timeoutMs, async () => this.s.exec(await this.s.run(this.client, sql, params)));
  }

  private end(broken?: Error): void {
    if (this.ended) return;
    this.ended = true;
    this.client.release(broken);
    this.onEnd();
  }

  async commit(): Promise<void> {
    let r: PgResult;
    try {
      r = await this.s.run(this.client, 'COMMIT', []);
    } catch (err) {
      await this.rollback();
      throw this.s.fail(err);
    }
    this.end();
    // COMMIT of a transaction an error already aborted answers "ROLLBACK" without an error: say so.
    if (r.command === 'ROLLBACK') {
      throw driverError({
        driver: 'postgres',
        innerCode: '25P02',
        message: 'the transaction was aborted by an earlier error and has been rolled back',
        constraint: false,
      });
    }
  }

  async rollback(): Promise<void> {
    if (this.ended) return;
    await this.s.run(this.client, 'ROLLBACK', []).then(
      () => this.end(),
      (e: Error) => this.end(e),
    );
  }
}
