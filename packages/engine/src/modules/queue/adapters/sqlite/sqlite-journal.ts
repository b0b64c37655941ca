/**
 * Group commit for the SQLite store: writes of one event-loop turn are applied in a single
 * transaction, then everyone who waited on them is told. That keeps an acknowledged enqueue durable
 * (WAL, committed before the ack) while thousands of enqueues per second share one commit.
 */
import type BetterSqlite3 from 'better-sqlite3';
import { EngineError } from '../../../../core/errors/index.ts';
import type { Job } from '../../job.ts';

export type JournalOp =
  | { kind: 'insert'; job: Job }
  | { kind: 'delete'; seq: number }
  | { kind: 'retry'; seq: number; attempts: number; availableAt: number; error: string }
  | { kind: 'dead'; seq: number; attempts: number; error: string; failedAt: number }
  | { kind: 'revive'; seq: number; availableAt: number };

export const SCHEMA = `
CREATE TABLE IF NOT EXISTS jobs (
  seq INTEGER PRIMARY KEY,
  id TEXT NOT NULL,
  queue TEXT NOT NULL,
  function_id TEXT NOT NULL,
  data TEXT NOT NULL,
  group_key TEXT,
  attempts INTEGER NOT NULL,
  max_attempts INTEGER NOT NULL,
  backoff TEXT NOT NULL,
  available_at INTEGER NOT NULL,
  enqueued_at INTEGER NOT NULL,
  traceparent TEXT,
  baggage TEXT,
  dead INTEGER NOT NULL DEFAULT 0,
  error TEXT,
  failed_at INTEGER
);`;

interface Waiter {
  resolve: () => void;
  reject: (err: unknown) => void;
}

export class SqliteJournal {
  private ops: JournalOp[] = [];
  private waiters: Waiter[] = [];
  private scheduled = false;
  private closed = false;
  private readonly apply: (ops: JournalOp[]) => void;

  constructor(db: BetterSqlite3.Database) {
    const insert = db.prepare(
      `INSERT INTO jobs (seq, id, queue, function_id, data, group_key, attempts, max_attempts, backoff, available_at, enqueued_at, traceparent, baggage)
       VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
    );
    const del = db.prepare('DELETE FROM jobs WHERE seq = ?');
    const retry = db.prepare('UPDATE jobs SET attempts = ?, available_at = ?, error = ? WHERE seq = ?');
    const dead = db.prepare('UPDATE jobs SET dead = 1, attempts = ?, error = ?, failed_at = ? WHERE seq = ?');
    const revive = db.prepare('UPDATE jobs SET dead = 0, attempts = 0, available_at = ?, error = NULL, failed_at = NULL WHERE seq = ?');
    const one = (op: JournalOp): void => {
      switch (op.kind) {
        case 'insert': {
          const j = op.job;
          insert.run(
            j.seq,
            j.id,
            j.queue,
            j.functionId,
            JSON.stringify(j.data ?? null),
            j.groupKey ?? null,
            j.attempts,
            j.maxAttempts,
            JSON.stringify(j.backoff),
            j.availableAt,
            j.enqueuedAt,
            j.traceparent ?? null,
            j.baggage ?? null,
          );
          return;
        }
        case 'delete':
          del.run(op.seq);
          return;
        case 'retry':
          retry.run(op.attempts, op.availableAt, op.error, op.seq);
          return;
        case 'dead':
          dead.run(op.attempts, op.error, op.failedAt, op.seq);
          return;
        case 'revive':
          revive.run(op.availableAt, op.seq);
      }
    };
    this.apply = db.transaction((ops: JournalOp[]) => {
      for (const op of ops) one(op);
    });
  }

  /** Queue a write; it reaches disk at the end of this event-loop turn. */
  write(op: JournalOp): void {
    if (this.closed) return;
    this.ops.push(op);
    this.schedule();
  }

  /** Queue a write and resolve once it (and everything before it) is committed. */
  writeDurable(op: JournalOp): Promise<void> {
    this.ops.push(op);
    return this.barrier();
  }

  /** Resolve once every write queued so far is committed. */
  barrier(): Promise<void> {
    if (this.closed) return Promise.reject(new EngineError('E_QUEUE_STORE_CLOSED', 'Queue store is closed'));
    return new Promise((resolve, reject) => {
      this.waiters.push({ resolve, reject });
      this.schedule();
    });
  }

  /** Commit what is queued, then refuse further writes (late acks after close are re-deliveries). */
  close(): void {
    this.commit();
    this.closed = true;
  }

  /** Commit now. */
  commit(): void {
    this.scheduled = false;
    if (this.closed) return;
    const ops = this.ops;
    const waiters = this.waiters;
    this.ops = [];
    this.waiters = [];
    try {
      if (ops.length > 0) this.apply(ops);
    } catch (err) {
      for (const w of waiters) w.reject(err);
      return;
    }
    for (const w of waiters) w.resolve();
  }

  private schedule(): void {
    if (this.scheduled) return;
    this.scheduled = true;
    setImmediate(() => this.commit());
  }
}
