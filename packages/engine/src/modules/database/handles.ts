/**
 * Transaction and statement handles (workers.md §3.2, the reference's handle functions): ids given to a
 * worker, each owned by the worker that created it.
 *
 * - A transaction holds a connection (SQLite: the writer) from `begin` until commit/rollback. It ends
 *   by itself — rolled back, connection released — when its lifetime (`timeout_ms`, default 30000,
 *   at most 300000) passes, when no call touched it for `transaction_idle_timeout_ms`, when a statement
 *   in it ends with QUERY_TIMEOUT, or when its owner disconnects. Calls on one id run one at a time.
 * - A statement handle keeps checked SQL for `ttl_seconds` (default 3600, at most 86400), dropped early
 *   when not run for `statement_idle_timeout_ms` or when its owner disconnects. It pins no connection.
 *
 * A stale id answers TRANSACTION_NOT_FOUND / STATEMENT_NOT_FOUND; so does an id owned by another worker
 * (with `reason: "owned by another worker"`): a handle is usable only over the connection that made it.
 */
import { randomUUID } from 'node:crypto';
import type { EngineError } from '../../core/errors/index.ts';
import type { SqlDriver, SqlTransaction, TransactionOptions } from './adapters/sql-driver.ts';
import type { DEFAULT_HANDLES } from './config.ts';
import { dbError } from './errors.ts';
import type { CommittedWrite } from './triggers.ts';

export const TRANSACTION_DEFAULT_MS = 30_000;
export const TRANSACTION_MAX_MS = 300_000;
export const STATEMENT_DEFAULT_S = 3_600;
export const STATEMENT_MAX_S = 86_400;

type Limits = typeof DEFAULT_HANDLES;

interface TxEntry {
  db: string;
  owner: string | undefined;
  tx: SqlTransaction;
  idle: NodeJS.Timeout | undefined;
  life: NodeJS.Timeout;
  /** Calls on one id run in order. */
  chain: Promise<unknown>;
  /** Writes to announce on commit (database::row-changed). */
  writes: CommittedWrite[];
}

interface StatementEntry {
  db: string;
  sql: string;
  owner: string | undefined;
  idle: NodeJS.Timeout;
  life: NodeJS.Timeout;
}

export interface HandleRef {
  id: string;
  expires_at: string;
}

function notFound(code: 'TRANSACTION_NOT_FOUND' | 'STATEMENT_NOT_FOUND', id: string, foreign: boolean): EngineError {
  const what = code === 'TRANSACTION_NOT_FOUND' ? 'transaction' : 'statement';
  const reason = foreign ? 'owned by another worker' : 'unknown, ended or expired';
  return dbError(code, `no ${what} "${id}" for this caller (${reason})`, { id, reason });
}

export class Handles {
  private readonly transactions = new Map<string, TxEntry>();
  private readonly statements = new Map<string, StatementEntry>();
  /** BEGINs still waiting for a connection, per owner; owners that disconnected meanwhile. */
  private readonly pendingBegins = new Map<string | undefined, number>();
  private readonly goneWhileBeginning = new Set<string>();

  constructor(
    private readonly limits: () => Limits,
    private readonly onCommit: (db: string, writes: readonly CommittedWrite[]) => void,
  ) {}

  // ---- transactions ----

  async begin(db: string, driver: SqlDriver, owner: string | undefined, opts: TransactionOptions): Promise<HandleRef> {
    const lifeMs = Math.min(opts.timeoutMs ?? TRANSACTION_DEFAULT_MS, TRANSACTION_MAX_MS);
    const { isolation } = opts;
    const { value: tx, ownerGone } = await this.whilePending(owner, () => driver.begin(isolation ? { isolation } : {}));
    if (ownerGone) {
      // The worker left while its BEGIN waited (e.g. for the SQLite writer): nobody can use or end it.
      await tx.rollback();
      throw notFound('TRANSACTION_NOT_FOUND', '(pending)', false);
    }
    const id = randomUUID();
    const life = setTimeout(() => this.end(id), lifeMs);
    life.unref();
    const entry: TxEntry = { db, owner, tx, idle: undefined, life, chain: Promise.resolve(), writes: [] };
    this.transactions.set(id, entry);
    this.touch(id, entry);
    return { id, expires_at: new Date(Date.now() + lifeMs).toISOString() };
  }

  /** Run a BEGIN, noting whether its owner disconnected while it waited. */
  private async whilePending<T>(owner: string | undefined, fn: () => Promise<T>): Promise<{ value: T; ownerGone: boolean }> {
    this.pendingBegins.set(owner, (this.pendingBegins.get(owner) ?? 0) + 1);
    let value: T;
    let ownerGone = false;
    try {
      value = await fn();
    } finally {
      const left = (this.pendingBegins.get(owner) ?? 1) - 1;
      if (left > 0) this.pendingBegins.set(owner, left);
      else this.pendingBegins.delete(owner);
      if (owner !== undefined) {
        ownerGone = this.goneWhileBeginning.has(owner);
        if (left <= 0) this.goneWhileBeginning.delete(owner);
      }
    }
    return { value, ownerGone };
  }

  private touch(id: string, e: TxEntry): void {
    clearTimeout(e.idle);
    e.idle = setTimeout(() => this.end(id), this.limits().transaction_idle_timeout_ms);
    e.idle.unref();
  }

  private lookup(id: string, owner: string | undefined): TxEntry {
    const e = this.transactions.get(id);
    if (!e || e.owner !== owner) throw notFound('TRANSACTION_NOT_FOUND', id, e !== undefined);
    return e;
  }

  /** Run `fn` in the transaction after the calls before it; a QUERY_TIMEOUT ends (rolls back) the transaction. */
  run<T>(id: string, owner: string | undefined, fn: (tx: SqlTransaction, e: TxEntry) => Promise<T>): Promise<T> {
    const e = this.lookup(id, owner);
    clearTimeout(e.idle);
    const result = e.chain.then(() => {
      if (this.transactions.get(id) !== e) throw notFound('TRANSACTION_NOT_FOUND', id, false);
      return fn(e.tx, e);
    });
    e.chain = result.then(
      () => this.transactions.get(id) === e && this.touch(id, e),
      (err: unknown) => {
        // Not awaiting the chain: this handler is part of it.
        if ((err as EngineError).code === 'QUERY_TIMEOUT') return this.end(id, false);
        if (this.transactions.get(id) === e) this.touch(id, e);
      },
    );
    return result;
  }

  recordWrite(e: TxEntry, write: CommittedWrite): void {
    e.writes.push(write);
  }

  /** COMMIT: the id is gone once this starts (a concurrent call gets TRANSACTION_NOT_FOUND). */
  async commit(id: string, owner: string | undefined): Promise<void> {
    const e = this.lookup(id, owner);
    this.forget(id, e);
    await e.chain;
    await e.tx.commit();
    if (e.writes.length > 0) this.onCommit(e.db, e.writes);
  }

  async rollback(id: string, owner: string | undefined): Promise<void> {
    const e = this.lookup(id, owner);
    this.forget(id, e);
    await e.chain;
    await e.tx.rollback();
  }

  private forget(id: string, e: TxEntry): void {
    this.transactions.delete(id);
    clearTimeout(e.idle);
    clearTimeout(e.life);
  }

  /** Roll back and forget (timeouts, disconnects, reconfigure, stop); never throws. */
  private async end(id: string, afterCalls = true): Promise<void> {
    const e = this.transactions.get(id);
    if (!e) return;
    this.forget(id, e);
    if (afterCalls) await e.chain.catch(() => {});
    await e.tx.rollback().catch(() => {});
  }

  // ---- statements ----

  prepare(db: string, sql: string, owner: string | undefined, ttlSeconds = STATEMENT_DEFAULT_S): HandleRef {
    const lifeMs = Math.min(ttlSeconds, STATEMENT_MAX_S) * 1000;
    const id = randomUUID();
    const life = setTimeout(() => this.dropStatement(id), lifeMs);
    const idle = setTimeout(() => this.dropStatement(id), this.limits().statement_idle_timeout_ms);
    life.unref();
    idle.unref();
    this.statements.set(id, { db, sql, owner, idle, life });
    return { id, expires_at: new Date(Date.now() + lifeMs).toISOString() };
  }

  /** The statement's database and SQL (refreshing its idle timer). */
  statement(id: string, owner: string | undefined): { db: string; sql: string } {
    const s = this.statements.get(id);
    if (!s || s.owner !== owner) throw notFound('STATEMENT_NOT_FOUND', id, s !== undefined);
    s.idle.refresh();
    return { db: s.db, sql: s.sql };
  }

  private dropStatement(id: string): void {
    const s = this.statements.get(id);
    if (!s) return;
    clearTimeout(s.idle);
    clearTimeout(s.life);
    this.statements.delete(id);
  }

  // ---- ends ----

  /** Everything a worker held: its transactions roll back, its statements go. */
  async dropOwner(owner: string): Promise<void> {
    if (this.pendingBegins.has(owner)) this.goneWhileBeginning.add(owner);
    for (const [id, s] of this.statements) if (s.owner === owner) this.dropStatement(id);
    const ids = [...this.transactions].filter(([, e]) => e.owner === owner).map(([id]) => id);
    await Promise.all(ids.map((id) => this.end(id)));
  }

  /** Handles on databases about to be closed or replaced (reconfigure). */
  async dropDbs(dbs: readonly string[]): Promise<void> {
    for (const [id, s] of this.statements) if (dbs.includes(s.db)) this.dropStatement(id);
    const ids = [...this.transactions].filter(([, e]) => dbs.includes(e.db)).map(([id]) => id);
    await Promise.all(ids.map((id) => this.end(id)));
  }

  async close(): Promise<void> {
    for (const id of [...this.statements.keys()]) this.dropStatement(id);
    await Promise.all([...this.transactions.keys()].map((id) => this.end(id)));
  }
}
