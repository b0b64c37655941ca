/**
 * A lane: up to `max` SQLite threads of one role (the writer: 1; readers: a few) and the queue in front
 * of them. Threads start on demand and each runs one request at a time; a request that waits longer
 * than `acquireTimeoutMs` for a thread fails with POOL_TIMEOUT, as a pooled connection would.
 *
 * A lease reserves the lane for one owner (an interactive transaction on the writer): while leased,
 * only that owner's requests are dispatched; everyone else waits in the queue, bounded as above.
 */
import type { EngineError } from '../../../../core/errors/index.ts';
import { dbError, driverError } from '../../errors.ts';
import { groupOp, groupOutcomes, isTimeout, type Queued, takeGroup } from './group.ts';
import type { ThreadOp, ThreadReply } from './protocol.ts';
import { SqliteThread, type ThreadSpec } from './thread-client.ts';
import { loadThreadSource, threadSource } from './thread-source.ts';

interface Job extends Queued {
  timeoutMs: number | undefined;
  enqueuedAt: number;
  resolve(reply: ThreadReply): void;
  reject(err: unknown): void;
  timer: NodeJS.Timeout;
}

export interface LaneOptions {
  spec: ThreadSpec;
  max: number;
  acquireTimeoutMs: number;
  /** Told when the thread serving a lease is lost (QUERY_TIMEOUT, crash): the lease is void. */
  onLeaseLost?(owner: string): void;
  /** Group commit (the writer): independent writes waiting together share one transaction (group.ts). */
  group?: boolean;
}

export class Lane {
  private readonly threads: SqliteThread[] = [];
  private readonly queue: Job[] = [];
  private owner: string | undefined;
  /** The thread a lease is bound to (its connection holds the open transaction). */
  private leaseThread: SqliteThread | undefined;
  private closed = false;
  /** Groups committed (for tests and stats). */
  groupsCommitted = 0;

  constructor(private readonly opts: LaneOptions) {}

  get leasedBy(): string | undefined {
    return this.owner;
  }

  /** Queue a request; `owner` marks it as part of a lease (the owner's requests pass while leased). */
  submit(op: ThreadOp, timeoutMs: number | undefined, owner?: string): Promise<ThreadReply> {
    if (this.closed) return Promise.reject(closedError(this.opts.spec.db));
    return new Promise<ThreadReply>((resolve, reject) => {
      const waited = this.opts.acquireTimeoutMs;
      const job: Job = {
        op,
        timeoutMs,
        owner,
        enqueuedAt: Date.now(),
        resolve,
        reject,
        timer: setTimeout(() => this.expire(job, waited), waited),
      };
      this.queue.push(job);
      this.pump();
    });
  }

  private expire(job: Job, waited: number): void {
    const i = this.queue.indexOf(job);
    if (i === -1) return;
    this.queue.splice(i, 1);
    const db = this.opts.spec.db;
    const why = this.owner ? ' (an interactive transaction holds the SQLite writer)' : '';
    job.reject(dbError('POOL_TIMEOUT', `no SQLite thread for "${db}" within ${waited} ms${why}`, { db, waited_ms: waited }));
  }

  /** Reserve the lane for `owner` (call when its BEGIN succeeded on `thread`). */
  lease(owner: string, thread: SqliteThread): void {
    this.owner = owner;
    this.leaseThread = thread;
  }

  /** End a lease; queued requests of others proceed. */
  release(owner: string): void {
    if (this.owner !== owner) return;
    this.owner = undefined;
    this.leaseThread = undefined;
    this.pump();
  }

  /** The next job that may run now: the owner's while leased, else the oldest. */
  private nextJob(): Job | undefined {
    const i = this.owner === undefined ? 0 : this.queue.findIndex((j) => j.owner === this.owner);
    if (i === -1 || i >= this.queue.length) return undefined;
    return this.queue.splice(i, 1)[0];
  }

  private freeThread(): SqliteThread | undefined {
    if (this.leaseThread) return this.leaseThread.busy ? undefined : this.leaseThread;
    const idle = this.threads.find((t) => !t.busy);
    if (idle) return idle;
    // One start-up at a time: a thread loading its code is CPU-heavy, and a burst must not start them all at once.
    if (this.threads.length >= this.opts.max || this.threads.some((t) => !t.started)) return undefined;
    const source = threadSource();
    if (!source) {
      void loadThreadSource().then(() => this.pump());
      return undefined;
    }
    const t = new SqliteThread(this.opts.spec, source, (gone) => this.forget(gone));
    this.threads.push(t);
    return t;
  }

  private pump(): void {
    while (this.queue.length > 0) {
      if (this.owner !== undefined && !this.queue.some((j) => j.owner === this.owner)) return;
      const thread = this.freeThread();
      if (!thread) return;
      const job = this.nextJob();
      if (!job) return;
      clearTimeout(job.timer);
      // A statement of a transaction whose lease is gone (its thread was lost) must never run outside it.
      if (job.owner !== undefined && job.op.op !== 'begin' && job.owner !== this.owner) {
        job.reject(leaseLost(this.opts.spec.db));
        continue;
      }
      const group = this.opts.group && this.owner === undefined ? takeGroup(job, this.queue) : [job];
      if (group.length > 1) {
        this.runGroup(thread, group);
        continue;
      }
      thread.run(job.op, job.timeoutMs).then(
        (reply) => {
          if (job.op.op === 'begin' && 'ok' in reply && reply.ok && job.owner) this.lease(job.owner, thread);
          job.resolve(reply);
          this.pump();
        },
        (err: unknown) => {
          job.reject(err);
          this.pump();
        },
      );
    }
  }

  /** Run `jobs` as one group; each gets its own reply, or goes back to the front to run alone (group.ts). */
  private runGroup(thread: SqliteThread, jobs: Job[]): void {
    const timeouts = jobs.map((j) => j.timeoutMs).filter((t): t is number => t !== undefined);
    const timeoutMs = timeouts.length > 0 ? Math.min(...timeouts) : undefined;
    for (const j of jobs) clearTimeout(j.timer);
    thread.run(groupOp(jobs), timeoutMs).then(
      (reply) => {
        const outcomes = groupOutcomes(reply, jobs.length);
        if (outcomes) {
          this.groupsCommitted++;
          for (const [i, j] of jobs.entries()) j.resolve(outcomes[i] as ThreadReply);
        } else this.retrySolo(jobs);
        this.pump();
      },
      (err: unknown) => {
        // QUERY_TIMEOUT means the gate was still open: nothing committed. The members whose own timeout
        // it was fail with it; the rest run again, alone, with their own timeouts.
        if (isTimeout(err)) {
          this.retrySolo(jobs.filter((j) => j.timeoutMs !== timeoutMs));
          for (const j of jobs) if (j.timeoutMs === timeoutMs) j.reject(err);
        } else for (const j of jobs) j.reject(err);
        this.pump();
      },
    );
  }

  private retrySolo(jobs: Job[]): void {
    const waited = this.opts.acquireTimeoutMs;
    for (const j of jobs) {
      j.solo = true;
      j.timer = setTimeout(() => this.expire(j, waited), waited);
    }
    this.queue.unshift(...jobs);
  }

  /** A thread can take no more work: drop it (a new one starts on demand); a lease on it is void. */
  private forget(thread: SqliteThread): void {
    const i = this.threads.indexOf(thread);
    if (i !== -1) this.threads.splice(i, 1);
    if (this.leaseThread === thread && this.owner !== undefined) {
      const owner = this.owner;
      this.owner = undefined;
      this.leaseThread = undefined;
      this.opts.onLeaseLost?.(owner);
    }
    if (!this.closed) queueMicrotask(() => this.pump());
  }

  /** Threads busy now, and whether a lease holds the lane. */
  stats(): { busy: number; leased: boolean } {
    return { busy: this.threads.filter((t) => t.busy).length, leased: this.owner !== undefined };
  }

  /** Refuse new work, fail what waits, let in-flight requests finish, then close every thread. */
  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    for (const job of this.queue.splice(0)) {
      clearTimeout(job.timer);
      job.reject(closedError(this.opts.spec.db));
    }
    await Promise.all([...this.threads].map((t) => t.close()));
  }
}

export function closedError(db: string): EngineError {
  return driverError({ driver: 'sqlite', innerCode: 'CLOSED', message: `database "${db}" is closed`, constraint: false });
}

export function leaseLost(db: string): EngineError {
  return driverError({
    driver: 'sqlite',
    innerCode: 'TRANSACTION_LOST',
    message: `the interactive transaction on "${db}" was rolled back (its SQLite thread was abandoned after QUERY_TIMEOUT)`,
    constraint: false,
  });
}
