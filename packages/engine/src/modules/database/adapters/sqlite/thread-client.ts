/**
 * The engine-side handle of one SQLite worker thread: post a request, get its reply, one at a time.
 *
 * `timeoutMs` is enforced here: when it passes, the gate is swapped to CANCELLED (so a write in the
 * thread is rolled back instead of committed) and the thread is abandoned — terminated and unref'd.
 * better-sqlite3 cannot interrupt a statement, so a terminated thread stops only when SQLite hands
 * control back to JavaScript: until then the abandoned statement keeps its CPU (and, for a write, the
 * write lock), then its connection closes and anything uncommitted is rolled back.
 */
import { Worker } from 'node:worker_threads';
import { EngineError } from '../../../../core/errors/index.ts';
import { dbError, driverError } from '../../errors.ts';
import { GATE_CANCELLED, GATE_OPEN, type ThreadData, type ThreadOp, type ThreadReply, type ThreadRequest } from './protocol.ts';
import type { ThreadSource } from './thread-source.ts';

export interface ThreadSpec {
  /** Database name, for error details. */
  db: string;
  file: string;
  busyTimeoutMs: number;
  reader: boolean;
}

interface InFlight {
  resolve(reply: ThreadReply): void;
  reject(err: unknown): void;
  timer: NodeJS.Timeout | undefined;
}

export class SqliteThread {
  private readonly worker: Worker;
  private readonly cell = new Int32Array(new SharedArrayBuffer(4));
  private inFlight: InFlight | undefined;
  private nextId = 1;
  private gone = false;
  /** Set by close(): from then on the thread stays ref'd until it exits. */
  private closing = false;
  /** False until the thread's first reply: it is still loading. */
  started = false;
  /** Resolves when the thread has ended (closed, crashed or terminated). */
  readonly exited: Promise<void>;

  /** `onGone` is told once when this thread can take no more requests (abandoned, crashed, closed). */
  constructor(
    private readonly spec: ThreadSpec,
    source: ThreadSource,
    private readonly onGone: (thread: SqliteThread) => void,
  ) {
    const data: ThreadData = {
      file: spec.file,
      busyTimeoutMs: spec.busyTimeoutMs,
      reader: spec.reader,
      gate: this.cell.buffer as SharedArrayBuffer,
    };
    // No execArgv: the thread needs no engine flags, and an inherited `--import tsx` would only load tsx twice.
    const options = { workerData: data, execArgv: [] };
    this.worker = 'eval' in source ? new Worker(source.eval, { ...options, eval: true }) : new Worker(source.file, options);
    this.worker.unref();
    this.worker.on('message', (reply: ThreadReply) => this.settle(reply));
    this.worker.on('error', (err) => this.fail(err));
    this.exited = new Promise((resolve) => this.worker.once('exit', () => resolve()));
    this.worker.once('exit', (code) => this.fail(new Error(`SQLite thread exited (code ${code})`)));
  }

  get busy(): boolean {
    return this.inFlight !== undefined;
  }

  get alive(): boolean {
    return !this.gone;
  }

  /** Run one request; rejects with QUERY_TIMEOUT after `timeoutMs` (the thread is then abandoned). */
  run(op: ThreadOp, timeoutMs?: number): Promise<ThreadReply> {
    if (this.inFlight) throw new Error('SqliteThread.run: a request is already in flight');
    if (this.gone) return Promise.reject(this.threadGone(new Error('the SQLite thread has ended')));
    Atomics.store(this.cell, 0, GATE_OPEN);
    const req: ThreadRequest = { ...op, id: this.nextId++ };
    return new Promise<ThreadReply>((resolve, reject) => {
      const timer = timeoutMs === undefined ? undefined : setTimeout(() => this.timeout(timeoutMs), timeoutMs);
      this.inFlight = { resolve, reject, timer };
      // Keep the process alive only while a request waits for its reply.
      this.worker.ref();
      this.worker.postMessage(req);
    });
  }

  private take(): InFlight | undefined {
    const f = this.inFlight;
    this.inFlight = undefined;
    if (f) clearTimeout(f.timer);
    // After close() the process must stay alive until the thread has exited: a reply to a request still in
    // flight when close() was called would otherwise unref it while the close is awaited, and a process with
    // nothing else to do would end with that close (and whoever awaits it) pending.
    if (!this.closing) this.worker.unref();
    return f;
  }

  private settle(reply: ThreadReply): void {
    this.started = true;
    this.take()?.resolve(reply);
  }

  private timeout(timeoutMs: number): void {
    // Lost the race: the thread already settled (its COMMIT is under way, or the reply is in the mail).
    if (Atomics.compareExchange(this.cell, 0, GATE_OPEN, GATE_CANCELLED) !== GATE_OPEN) return;
    this.take()?.reject(dbError('QUERY_TIMEOUT', `statement exceeded ${timeoutMs} ms`, { db: this.spec.db, timeout_ms: timeoutMs }));
    this.abandon();
  }

  /** Stop using this thread now; it ends when SQLite returns control to it (see the file comment). */
  private abandon(): void {
    if (!this.gone) {
      this.gone = true;
      this.onGone(this);
    }
    this.worker.terminate().catch(() => {});
  }

  private fail(err: unknown): void {
    this.take()?.reject(this.threadGone(err));
    if (!this.gone) {
      this.gone = true;
      this.onGone(this);
    }
  }

  private threadGone(err: unknown): EngineError {
    const message = err instanceof Error ? err.message : String(err);
    return driverError(
      { driver: 'sqlite', innerCode: 'THREAD_EXITED', message: `SQLite thread for "${this.spec.db}": ${message}`, constraint: false },
      err,
    );
  }

  /** Close the connection (checkpointing the WAL) and let the thread end; waits for it. */
  async close(): Promise<void> {
    if (this.gone) return;
    this.gone = true;
    this.closing = true;
    this.worker.ref();
    this.worker.postMessage('close');
    await this.exited;
  }
}

/** A thread's error reply as the coded error it was inside the thread. */
export function fromWire(error: { code: string; message: string; details?: Record<string, unknown> }): EngineError {
  return new EngineError(error.code, error.message, error.details ? { details: error.details } : undefined);
}
