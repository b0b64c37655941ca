/**
 * The built-in queue store: jobs in SQLite (better-sqlite3, WAL) with an in-memory index for dispatch.
 *
 * Enqueues are group-committed (see `SqliteJournal`) and resolve only once committed, so an
 * acknowledged message survives `kill -9`. Acks, retries and DLQ moves are written in the same
 * batches without being awaited: losing one to a crash only means a re-delivery (at-least-once).
 * `path: ':memory:'` gives the same behaviour without durability (`store_method: in_memory`).
 */
import { mkdirSync } from 'node:fs';
import { dirname } from 'node:path';
import Database from 'better-sqlite3';
import { EngineError } from '../../../../core/errors/index.ts';
import type { Disposer } from '../../../module.ts';
import type { BackoffSpec } from '../../backoff.ts';
import type { DlqMessage, Job, NewJob } from '../../job.ts';
import { JobIndex } from '../job-index.ts';
import type { QueueDepth, QueueStore } from '../queue-store.ts';
import { SCHEMA, SqliteJournal } from './sqlite-journal.ts';

export interface SqliteStoreOptions {
  /** File path, or `:memory:`. */
  path: string;
  /**
   * `normal`: a commit reaches the OS before the enqueue is acknowledged (survives a process crash);
   * `full`: it is also fsynced (survives power loss), at a throughput cost. @default 'normal'
   */
  synchronous?: 'normal' | 'full';
  /** Clock, for tests. @default Date.now */
  now?: () => number;
}

interface JobRow {
  seq: number;
  id: string;
  queue: string;
  function_id: string;
  data: string;
  group_key: string | null;
  attempts: number;
  max_attempts: number;
  backoff: string;
  available_at: number;
  enqueued_at: number;
  traceparent: string | null;
  baggage: string | null;
  dead: number;
  error: string | null;
  failed_at: number | null;
}

function rowToJob(r: JobRow): Job {
  return {
    seq: r.seq,
    id: r.id,
    queue: r.queue,
    functionId: r.function_id,
    data: JSON.parse(r.data) as unknown,
    groupKey: r.group_key ?? undefined,
    attempts: r.attempts,
    maxAttempts: r.max_attempts,
    backoff: JSON.parse(r.backoff) as BackoffSpec,
    availableAt: r.available_at,
    enqueuedAt: r.enqueued_at,
    traceparent: r.traceparent ?? undefined,
    baggage: r.baggage ?? undefined,
  };
}

export class SqliteQueueStore implements QueueStore {
  private readonly db: Database.Database;
  private readonly journal: SqliteJournal;
  private readonly index = new JobIndex();
  private readonly listeners = new Set<(queue: string) => void>();
  private readonly now: () => number;
  private nextSeq = 1;
  private closed = false;

  constructor(opts: SqliteStoreOptions) {
    this.now = opts.now ?? Date.now;
    if (opts.path !== ':memory:') mkdirSync(dirname(opts.path), { recursive: true });
    this.db = new Database(opts.path);
    this.db.pragma('journal_mode = WAL');
    // NORMAL in WAL mode: a commit is in the OS before we ack, so it survives a process crash.
    this.db.pragma(`synchronous = ${opts.synchronous === 'full' ? 'FULL' : 'NORMAL'}`);
    this.db.exec(SCHEMA);
    this.journal = new SqliteJournal(this.db);
    this.load();
  }

  /** Rebuild the index: every stored job is ready again (leases die with the process). */
  private load(): void {
    const now = this.now();
    const rows = this.db.prepare('SELECT * FROM jobs ORDER BY seq').all() as JobRow[];
    for (const row of rows) {
      const job = rowToJob(row);
      if (row.dead) this.index.bury(job, row.error ?? '', row.failed_at ?? now);
      else this.index.put(job, now);
      this.nextSeq = Math.max(this.nextSeq, row.seq + 1);
    }
  }

  async add(input: NewJob): Promise<void> {
    this.assertOpen();
    const now = this.now();
    const job: Job = { ...input, seq: this.nextSeq++, attempts: 0, availableAt: now, enqueuedAt: now };
    await this.journal.writeDurable({ kind: 'insert', job });
    this.index.put(job, this.now());
    this.emitReady(job.queue);
  }

  lease(queue: string, limit: number, now: number): Job[] {
    return this.index.lease(queue, limit, now);
  }

  ack(job: Job): void {
    if (this.index.settle(job)) this.journal.write({ kind: 'delete', seq: job.seq });
  }

  retry(job: Job, availableAt: number, error: string): void {
    if (!this.index.settle(job)) return;
    job.attempts++;
    job.availableAt = availableAt;
    this.journal.write({ kind: 'retry', seq: job.seq, attempts: job.attempts, availableAt, error });
    this.index.put(job, this.now());
    if (availableAt <= this.now()) this.emitReady(job.queue);
  }

  release(job: Job, availableAt: number): void {
    if (!this.index.settle(job)) return;
    job.availableAt = availableAt;
    this.index.put(job, this.now());
    if (availableAt <= this.now()) this.emitReady(job.queue);
  }

  fail(job: Job, error: string, failedAt: number): void {
    if (!this.index.settle(job)) return;
    job.attempts++;
    this.index.bury(job, error, failedAt);
    this.journal.write({ kind: 'dead', seq: job.seq, attempts: job.attempts, error, failedAt });
  }

  nextAvailableAt(queue: string): number | undefined {
    return this.index.nextAvailableAt(queue);
  }

  onReady(listener: (queue: string) => void): Disposer {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  depth(queue: string): QueueDepth {
    return this.index.depth(queue);
  }

  queues(): string[] {
    return this.index.queueNames();
  }

  dlqCount(queue: string): number {
    return this.index.dlqCount(queue);
  }

  dlqList(queue: string, offset: number, limit: number): DlqMessage[] {
    return this.index
      .dead(queue)
      .slice(offset, offset + limit)
      .map((d) => ({
        id: d.job.id,
        payload: d.job.data,
        error: d.error,
        failed_at: d.failedAt,
        function_id: d.job.functionId,
        attempts: d.job.attempts,
      }));
  }

  dlqQueues(): Array<{ queue: string; count: number }> {
    return this.index.dlqQueues();
  }

  async redrive(queue: string): Promise<number> {
    const dead = this.index.dead(queue);
    for (const d of dead) this.revive(queue, d.job.seq);
    await this.journal.barrier();
    if (dead.length > 0) this.emitReady(queue);
    return dead.length;
  }

  async redriveMessage(queue: string, id: string): Promise<0 | 1> {
    const d = this.index.findDead(queue, id);
    if (!d) return 0;
    this.revive(queue, d.job.seq);
    await this.journal.barrier();
    this.emitReady(queue);
    return 1;
  }

  async discardMessage(queue: string, id: string): Promise<0 | 1> {
    const d = this.index.findDead(queue, id);
    if (!d) return 0;
    this.index.unbury(queue, d.job.seq);
    await this.journal.writeDurable({ kind: 'delete', seq: d.job.seq });
    return 1;
  }

  flush(): Promise<void> {
    return this.journal.barrier();
  }

  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    this.journal.close();
    this.db.close();
  }

  /** Back from the DLQ with a fresh attempt budget. */
  private revive(queue: string, seq: number): void {
    const d = this.index.unbury(queue, seq);
    if (!d) return;
    const now = this.now();
    d.job.attempts = 0;
    d.job.availableAt = now;
    this.journal.write({ kind: 'revive', seq, availableAt: now });
    this.index.put(d.job, now);
  }

  private emitReady(queue: string): void {
    for (const l of this.listeners) l(queue);
  }

  private assertOpen(): void {
    if (this.closed) throw new EngineError('E_QUEUE_STORE_CLOSED', 'Queue store is closed');
  }
}
