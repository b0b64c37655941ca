/**
 * PostgreSQL adapter on a `pg` Pool. Every call checks a client out (bounded by
 * pool.acquire_timeout_ms → POOL_TIMEOUT), always uses the extended protocol (one statement, values
 * bound server-side), and enforces `timeoutMs` with the server's statement_timeout (→ QUERY_TIMEOUT),
 * which really cancels the statement rather than abandoning it.
 */
import pg from 'pg';
import { withFailedIndex } from '../../errors.ts';
import { isolationSql } from '../../isolation.ts';
import { checkStatement } from '../../sql-text.ts';
import type {
  DriverOptions,
  ExecResult,
  PoolStats,
  QueryOptions,
  QueryResult,
  SqlColumn,
  SqlDriver,
  SqlParam,
  SqlRow,
  SqlStatement,
  SqlTransaction,
  TransactionOptions,
} from '../sql-driver.ts';
import { tlsOption } from '../tls.ts';
import { mapPgError } from './errors.ts';
import { rewritePlaceholders } from './placeholders.ts';
import { PgTransaction } from './transaction.ts';
import type { PgClient, PgPool, PgResult } from './types.ts';
import { fromPgCell, TYPE_NAMES, toPgParam, typeNameFromCatalog, typeParsers } from './values.ts';

/** The session default; calls asking for another timeout SET it around the statement. */
export const DEFAULT_TIMEOUT_MS = 30_000;

class PostgresDriver implements SqlDriver {
  readonly dialect = 'postgres' as const;
  private readonly pool: PgPool;
  private readonly typeNames = new Map<number, string>(Object.entries(TYPE_NAMES).map(([k, v]) => [Number(k), v]));
  private closing: Promise<void> | undefined;

  constructor(private readonly opts: DriverOptions) {
    const ssl = tlsOption(opts.tls);
    this.pool = new pg.Pool({
      connectionString: opts.url,
      max: opts.pool.max,
      idleTimeoutMillis: opts.pool.idle_timeout_ms,
      connectionTimeoutMillis: opts.pool.acquire_timeout_ms,
      statement_timeout: DEFAULT_TIMEOUT_MS,
      types: typeParsers,
      ...(opts.origin === undefined ? {} : { options: originOption(opts.origin) }),
      ...(ssl === undefined ? {} : { ssl }),
    });
    // An idle client dying (server restart) must not crash the engine; the pool replaces it.
    this.pool.on('error', () => {});
  }

  /** In-flight interactive transactions (each holds a client). */
  private openTransactions = 0;
  readonly defaultTimeoutMs = DEFAULT_TIMEOUT_MS;

  fail(err: unknown, timeoutMs = DEFAULT_TIMEOUT_MS): unknown {
    return mapPgError(err, { db: this.opts.name, url: this.opts.url, acquireTimeoutMs: this.opts.pool.acquire_timeout_ms, timeoutMs });
  }

  run(client: PgClient, sql: string, params: readonly SqlParam[]): Promise<PgResult> {
    return client.query({ text: rewritePlaceholders(sql), values: params.map(toPgParam), rowMode: 'array', queryMode: 'extended' });
  }

  /** Check a client out, apply a non-default timeout for the duration of `fn`, always give it back. */
  private async withClient<T>(timeoutMs: number | undefined, fn: (c: PgClient) => Promise<T>): Promise<T> {
    if (this.closing) throw this.fail(new Error(`database "${this.opts.name}" is closed`));
    const client = await this.pool.connect().catch((err: unknown) => Promise.reject(this.fail(err)));
    const custom = timeoutMs !== undefined && timeoutMs !== DEFAULT_TIMEOUT_MS;
    let broken: Error | undefined;
    try {
      if (custom) await this.run(client, "SELECT set_config('statement_timeout', $1, false)", [String(timeoutMs)]);
      return await fn(client);
    } catch (err) {
      throw this.fail(err, timeoutMs);
    } finally {
      if (custom)
        await this.run(client, "SELECT set_config('statement_timeout', $1, false)", [String(DEFAULT_TIMEOUT_MS)]).catch(
          (e: Error) => (broken = e),
        );
      client.release(broken);
    }
  }

  async columns(client: PgClient, result: PgResult): Promise<SqlColumn[]> {
    const unknown = [...new Set(result.fields.map((f) => f.dataTypeID).filter((oid) => !this.typeNames.has(oid)))];
    if (unknown.length > 0) {
      const r = await this.run(client, 'SELECT oid::int4, typname::text FROM pg_type WHERE oid = ANY($1::oid[])', [
        `{${unknown.join(',')}}`,
      ]);
      for (const [oid, name] of r.rows) this.typeNames.set(Number(oid), typeNameFromCatalog(String(name)));
    }
    return result.fields.map((f) => ({ name: f.name, type: this.typeNames.get(f.dataTypeID) ?? '' }));
  }

  async query(sql: string, params: readonly SqlParam[] = [], opts: QueryOptions = {}): Promise<QueryResult> {
    checkStatement(sql, 'postgres');
    return this.withClient(opts.timeoutMs, async (client) => {
      const result = await this.run(client, sql, params);
      const columns = await this.columns(client, result);
      return { columns, rows: toRows(result) };
    });
  }

  async execute(sql: string, params: readonly SqlParam[] = [], opts: QueryOptions = {}): Promise<ExecResult> {
    checkStatement(sql, 'postgres');
    return this.withClient(opts.timeoutMs, async (client) => toExec(await this.run(client, sql, params)));
  }

  async transaction(statements: readonly SqlStatement[], opts: TransactionOptions = {}): Promise<ExecResult[]> {
    for (const [i, st] of statements.entries()) checkStatement(st.sql, 'postgres', i);
    return this.withClient(opts.timeoutMs, async (client) => {
      await this.run(client, opts.isolation ? `BEGIN ISOLATION LEVEL ${isolationSql(opts.isolation)}` : 'BEGIN', []);
      try {
        const results: ExecResult[] = [];
        for (const [i, st] of statements.entries()) results.push(toExec(await this.runIndexed(client, st, i, opts.timeoutMs)));
        await this.run(client, 'COMMIT', []);
        return results;
      } catch (err) {
        // A failed ROLLBACK means a dead connection (the pool drops it); the statement's error is the news.
        await this.run(client, 'ROLLBACK', []).catch(() => {});
        throw err;
      }
    });
  }

  private runIndexed(client: PgClient, st: SqlStatement, index: number, timeoutMs?: number): Promise<PgResult> {
    return this.run(client, st.sql, st.params ?? []).catch((err: unknown) =>
      Promise.reject(withFailedIndex(this.fail(err, timeoutMs), index)),
    );
  }

  readonly rows = toRows;
  readonly exec = toExec;

  /** A client of its own until COMMIT/ROLLBACK (transaction.ts). */
  async begin(opts: TransactionOptions = {}): Promise<SqlTransaction> {
    if (this.closing) throw this.fail(new Error(`database "${this.opts.name}" is closed`));
    const client = await this.pool.connect().catch((err: unknown) => Promise.reject(this.fail(err)));
    try {
      await this.run(client, opts.isolation ? `BEGIN ISOLATION LEVEL ${isolationSql(opts.isolation)}` : 'BEGIN', []);
    } catch (err) {
      client.release(err as Error);
      throw this.fail(err);
    }
    this.openTransactions++;
    return new PgTransaction(this, client, () => this.openTransactions--);
  }

  stats(): PoolStats {
    return { inUse: this.pool.totalCount - this.pool.idleCount, transactions: this.openTransactions };
  }

  close(): Promise<void> {
    this.closing ??= this.pool.end();
    return this.closing;
  }
}

/**
 * Startup option naming this engine on every pooled session (`current_setting('triad.origin', true)`), read by
 * the row-change NOTIFY trigger (change-feed.ts). Connection poolers in transaction mode drop startup options:
 * then our own writes also come back as external ones.
 */
export function originOption(origin: string): string {
  return `-c triad.origin=${origin.replace(/[^A-Za-z0-9-]/g, '')}`;
}

function toRows(result: PgResult): SqlRow[] {
  return result.rows.map((cells) => {
    const row: SqlRow = {};
    result.fields.forEach((f, i) => {
      row[f.name] = fromPgCell(cells[i]);
    });
    return row;
  });
}

/** Postgres has no "last rowid": the reference reports the first column of the first returned row. */
function toExec(result: PgResult): ExecResult {
  const returnedRows = toRows(result);
  const first = result.rows[0]?.[0];
  return {
    affectedRows: result.rowCount ?? 0,
    lastInsertId: first === undefined || first === null ? null : String(fromPgCell(first)),
    returnedRows,
  };
}

export function createPostgresDriver(opts: DriverOptions): SqlDriver {
  return new PostgresDriver(opts);
}
