/**
 * SQLite adapter on better-sqlite3, off the engine's thread. better-sqlite3 is synchronous, so each
 * database gets worker threads: one writer (every write, batch transaction and interactive
 * transaction; SQLite allows one writer anyway) and up to `min(pool.max − 1, 4)` readers for
 * read-only statements (WAL lets them run beside the writer), started on demand. A slow statement
 * therefore stalls only the thread it runs on, never the engine, and `timeoutMs` is honoured
 * (QUERY_TIMEOUT; see thread-client.ts for what happens to the interrupted statement).
 *
 * Routing: SELECT / WITH / VALUES / EXPLAIN go to a reader, which runs them only when SQLite says they
 * cannot write (sqlite3_stmt_readonly); otherwise the writer gets them. `:memory:` databases use the
 * writer alone (each connection would be a separate database).
 *
 * `inThread: true` keeps the old mode (one connection on the engine's thread, no timeout) for the
 * benchmark that measures what the threads cost.
 */
import { randomUUID } from 'node:crypto';
import { checkStatement, firstKeyword } from '../../sql-text.ts';
import type {
  DriverOptions,
  ExecResult,
  PoolStats,
  QueryOptions,
  QueryResult,
  SqlDriver,
  SqlParam,
  SqlStatement,
  SqlTransaction,
  TransactionOptions,
} from '../sql-driver.ts';
import { ALWAYS_COMMIT, SqliteConnection } from './connection.ts';
import { mapSqliteError } from './errors.ts';
import { Lane } from './lane.ts';
import { MEMORY, sqlitePath } from './path.ts';
import type { ThreadOp, ThreadReply } from './protocol.ts';
import { fromWire } from './thread-client.ts';

/** Reader threads per database at most (also bounded by pool.max − 1). */
export const MAX_READERS = 4;
const READ_KEYWORDS = new Set(['SELECT', 'WITH', 'VALUES', 'EXPLAIN']);

export interface SqliteModeOptions {
  /** Run on the engine's thread (the pre-thread behaviour, for benchmarks). */
  inThread?: boolean;
}

class SqliteDriver implements SqlDriver {
  readonly dialect = 'sqlite' as const;
  protected readonly writer: Lane;
  private readonly readers: Lane | undefined;
  private closing: Promise<void> | undefined;

  constructor(private readonly opts: DriverOptions) {
    const file = sqlitePath(opts.url, opts.baseDir);
    const base = { db: opts.name, file, busyTimeoutMs: opts.pool.acquire_timeout_ms };
    const acquireTimeoutMs = opts.pool.acquire_timeout_ms;
    this.writer = new Lane({ spec: { ...base, reader: false }, max: 1, acquireTimeoutMs, group: true });
    const readers = file === MEMORY ? 0 : Math.min(opts.pool.max - 1, MAX_READERS);
    this.readers = readers > 0 ? new Lane({ spec: { ...base, reader: true }, max: readers, acquireTimeoutMs }) : undefined;
  }

  private async call(lane: Lane, op: ThreadOp, opts: QueryOptions): Promise<unknown> {
    if (this.closing) throw mapSqliteError(new Error(`database "${this.opts.name}" is closed`));
    let reply: ThreadReply = await lane.submit(op, opts.timeoutMs);
    if ('redirect' in reply) reply = await this.writer.submit(op, opts.timeoutMs);
    return unwrap(reply);
  }

  async query(sql: string, params: readonly SqlParam[] = [], opts: QueryOptions = {}): Promise<QueryResult> {
    checkStatement(sql, 'sqlite');
    const lane = this.readers && READ_KEYWORDS.has(firstKeyword(sql)) ? this.readers : this.writer;
    return (await this.call(lane, { op: 'query', sql, params }, opts)) as QueryResult;
  }

  async execute(sql: string, params: readonly SqlParam[] = [], opts: QueryOptions = {}): Promise<ExecResult> {
    checkStatement(sql, 'sqlite');
    return (await this.call(this.writer, { op: 'execute', sql, params }, opts)) as ExecResult;
  }

  async transaction(statements: readonly SqlStatement[], opts: TransactionOptions = {}): Promise<ExecResult[]> {
    for (const [i, st] of statements.entries()) checkStatement(st.sql, 'sqlite', i);
    return (await this.call(this.writer, { op: 'batch', statements }, opts)) as ExecResult[];
  }

  /**
   * BEGIN IMMEDIATE on the writer, which is then leased to this transaction: every other write (and the
   * next BEGIN) waits in the writer's queue until COMMIT/ROLLBACK, failing POOL_TIMEOUT after
   * pool.acquire_timeout_ms. Reads keep going on the reader threads (they see the last committed state).
   * SQLite transactions are serializable whatever `isolation` says.
   */
  async begin(_opts: TransactionOptions = {}): Promise<SqlTransaction> {
    if (this.closing) throw mapSqliteError(new Error(`database "${this.opts.name}" is closed`));
    const owner = randomUUID();
    unwrap(await this.writer.submit({ op: 'begin' }, undefined, owner));
    return new SqliteTransaction(this.writer, owner);
  }

  stats(): PoolStats {
    const w = this.writer.stats();
    const r = this.readers?.stats() ?? { busy: 0, leased: false };
    return { inUse: Math.max(w.busy, w.leased ? 1 : 0) + r.busy, transactions: w.leased ? 1 : 0 };
  }

  close(): Promise<void> {
    this.closing ??= Promise.all([this.writer.close(), this.readers?.close()]).then(() => {});
    return this.closing;
  }
}

function unwrap(reply: ThreadReply): unknown {
  if ('redirect' in reply) throw new Error('the SQLite writer redirected a statement');
  if (!reply.ok) throw fromWire(reply.error);
  return reply.value;
}

/** Statements of one interactive transaction, on the leased writer. */
class SqliteTransaction implements SqlTransaction {
  private ended = false;

  constructor(
    private readonly writer: Lane,
    private readonly owner: string,
  ) {}

  private async call(op: ThreadOp, timeoutMs?: number): Promise<unknown> {
    return unwrap(await this.writer.submit(op, timeoutMs, this.owner));
  }

  async query(sql: string, params: readonly SqlParam[] = [], opts: QueryOptions = {}): Promise<QueryResult> {
    checkStatement(sql, 'sqlite');
    return (await this.call({ op: 'query', sql, params }, opts.timeoutMs)) as QueryResult;
  }

  async execute(sql: string, params: readonly SqlParam[] = [], opts: QueryOptions = {}): Promise<ExecResult> {
    checkStatement(sql, 'sqlite');
    return (await this.call({ op: 'execute', sql, params }, opts.timeoutMs)) as ExecResult;
  }

  private end(): void {
    this.ended = true;
    this.writer.release(this.owner);
  }

  async commit(): Promise<void> {
    try {
      await this.call({ op: 'commit' });
    } finally {
      this.end();
    }
  }

  async rollback(): Promise<void> {
    if (this.ended) return;
    await this.call({ op: 'rollback' }).catch(() => {});
    this.end();
  }
}

/** The pre-thread adapter: one connection on the engine's thread; calls block the event loop. */
class InThreadSqliteDriver implements SqlDriver {
  readonly dialect = 'sqlite' as const;
  private readonly conn: SqliteConnection;
  private closed = false;

  constructor(private readonly opts: DriverOptions) {
    this.conn = new SqliteConnection({ file: sqlitePath(opts.url, opts.baseDir), busyTimeoutMs: opts.pool.acquire_timeout_ms });
  }

  private check(): void {
    if (this.closed) throw mapSqliteError(new Error(`database "${this.opts.name}" is closed`));
  }

  async query(sql: string, params: readonly SqlParam[] = []): Promise<QueryResult> {
    this.check();
    return this.conn.query(sql, params, ALWAYS_COMMIT);
  }

  async execute(sql: string, params: readonly SqlParam[] = []): Promise<ExecResult> {
    this.check();
    return this.conn.execute(sql, params, ALWAYS_COMMIT);
  }

  async transaction(statements: readonly SqlStatement[]): Promise<ExecResult[]> {
    this.check();
    return this.conn.batch(statements, ALWAYS_COMMIT);
  }

  /** Not offered in the benchmark-only mode: one connection on the engine's thread cannot hold a transaction open. */
  async begin(): Promise<SqlTransaction> {
    throw mapSqliteError(new Error('interactive transactions need the threaded SQLite driver'));
  }

  stats(): PoolStats {
    return { inUse: 0, transactions: 0 };
  }

  async close(): Promise<void> {
    this.closed = true;
    this.conn.close();
  }
}

export function createSqliteDriver(opts: DriverOptions, mode: SqliteModeOptions = {}): SqlDriver {
  return mode.inThread ? new InThreadSqliteDriver(opts) : new SqliteDriver(opts);
}
