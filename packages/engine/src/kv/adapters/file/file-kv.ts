/**
 * `store_method: file_based`: the in-memory table plus an append-only JSON-lines log (`<dir>/kv.log`).
 *
 * Why a log and not SQLite: better-sqlite3 is synchronous, so a durable commit per write would block the
 * event loop for one fsync each. The log does group commit instead: writes mutate memory synchronously,
 * append their record to a pending batch, and wait for that batch's `fdatasync`; one flush covers every
 * write that arrived while the previous flush was on disk. An acknowledged write therefore survives
 * `kill -9`. The log is compacted (rewritten as a snapshot, fsynced, renamed over) on open and whenever it
 * holds far more records than live keys (checked every `save_interval_ms`).
 *
 * Readers may see a write a moment before it is durable (memory leads the log by one flush). If the disk
 * write fails, the waiting writers get the error but memory keeps the value until restart.
 */
import { mkdirSync, readFileSync, renameSync, writeFileSync } from 'node:fs';
import { type FileHandle, open } from 'node:fs/promises';
import { join } from 'node:path';
import { EngineError } from '../../../core/errors/index.ts';
import type { UpdateOp } from '../../update-ops.ts';
import type { KvUpdate, KvWrite } from '../kv-store.ts';
import { MemoryKv } from '../memory/memory-kv.ts';
import { deleteRecord, type ReplayReport, replay, setRecord, snapshot } from './log-format.ts';

export interface FileKvOptions {
  /** Directory holding `kv.log` (created if missing). */
  dir: string;
  /** How often to check whether the log deserves compaction. @default 5000 */
  saveIntervalMs?: number;
  /** Called once on open when the log had unusable lines. */
  onReplay?: (report: ReplayReport) => void;
  /** Called when a background compaction fails (the log keeps growing; writes still succeed). */
  onCompactError?: (err: unknown) => void;
}

interface Batch {
  promise: Promise<void>;
  resolve: () => void;
  reject: (err: unknown) => void;
}

function newBatch(): Batch {
  let resolve!: () => void;
  let reject!: (err: unknown) => void;
  const promise = new Promise<void>((res, rej) => {
    resolve = res;
    reject = rej;
  });
  // Writers attach their own handlers; this keeps an unobserved failed batch from crashing the process.
  promise.catch(() => {});
  return { promise, resolve, reject };
}

/** Write `text` to `path` durably via a temp file + rename + directory fsync. */
async function writeAtomic(dir: string, path: string, text: string): Promise<void> {
  const tmp = `${path}.tmp`;
  const fh = await open(tmp, 'w');
  try {
    await fh.writeFile(text);
    await fh.datasync();
  } finally {
    await fh.close();
  }
  renameSync(tmp, path);
  const d = await open(dir, 'r');
  try {
    await d.sync();
  } finally {
    await d.close();
  }
}

export class FileKv extends MemoryKv {
  private readonly path: string;
  private fh: FileHandle | undefined;
  private pending: string[] = [];
  private batch: Batch | undefined;
  private flushing: Promise<void> | undefined;
  private recordsInLog = 0;
  private compactWanted = false;
  private timer: NodeJS.Timeout | undefined;
  private closed = false;

  private constructor(private readonly opts: FileKvOptions) {
    super();
    this.path = join(opts.dir, 'kv.log');
  }

  static async open(opts: FileKvOptions): Promise<FileKv> {
    const kv = new FileKv(opts);
    await kv.load();
    return kv;
  }

  private async load(): Promise<void> {
    mkdirSync(this.opts.dir, { recursive: true });
    let text = '';
    try {
      text = readFileSync(this.path, 'utf8');
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code !== 'ENOENT') throw err;
      writeFileSync(this.path, '');
    }
    const report = replay(text, this.table);
    if (report.badLines.length > 0) this.opts.onReplay?.(report);
    // Compact on open: drops overwritten records and any torn tail before new appends follow it.
    const snap = snapshot(this.table);
    await writeAtomic(this.opts.dir, this.path, snap);
    this.recordsInLog = this.table.size();
    this.fh = await open(this.path, 'a');
    this.timer = setInterval(() => this.maybeCompact(), this.opts.saveIntervalMs ?? 5000);
    this.timer.unref();
  }

  override async set(scope: string, key: string, value: unknown): Promise<KvWrite> {
    this.assertOpen();
    const w = this.table.set(scope, key, value);
    await this.commit(setRecord(scope, key, value));
    return w;
  }

  override async delete(scope: string, key: string): Promise<unknown> {
    this.assertOpen();
    const old = this.table.delete(scope, key);
    // Deleting an absent key changes nothing on disk.
    if (old !== undefined) await this.commit(deleteRecord(scope, key));
    return old;
  }

  override async update(scope: string, key: string, ops: readonly UpdateOp[]): Promise<KvUpdate> {
    this.assertOpen();
    const u = this.table.update(scope, key, ops);
    await this.commit(setRecord(scope, key, u.value));
    return u;
  }

  override async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    clearInterval(this.timer);
    while (this.flushing) await this.flushing;
    await this.fh?.close();
    this.fh = undefined;
  }

  private assertOpen(): void {
    if (this.closed) throw new EngineError('E_KV_CLOSED', 'the kv store is closed');
  }

  /** Queue a record; resolves when the batch holding it is on disk. */
  private commit(record: string): Promise<void> {
    this.pending.push(record);
    this.batch ??= newBatch();
    const { promise } = this.batch;
    this.flushing ??= this.flushLoop();
    return promise;
  }

  /** Rewrite the log as a snapshot now; resolves once it is on disk (with every write queued before it). */
  compactNow(): Promise<void> {
    this.assertOpen();
    this.compactWanted = true;
    this.batch ??= newBatch();
    const { promise } = this.batch;
    this.flushing ??= this.flushLoop();
    return promise;
  }

  private maybeCompact(): void {
    // Rewrite when overwritten/deleted records outnumber live ones (plus slack so tiny stores never churn).
    if (this.recordsInLog <= 2 * this.table.size() + 1000) return;
    this.compactWanted = true;
    this.flushing ??= this.flushLoop();
  }

  private async flushLoop(): Promise<void> {
    try {
      while (this.pending.length > 0 || this.compactWanted) {
        const lines = this.pending;
        const batch = this.batch;
        this.pending = [];
        this.batch = undefined;
        try {
          if (this.compactWanted) await this.compactOrAppend(lines);
          else await this.append(lines);
          batch?.resolve();
        } catch (err) {
          batch?.reject(new EngineError('E_KV_IO', `kv log write failed: ${(err as Error).message}`, { cause: err }));
        }
      }
    } finally {
      this.flushing = undefined;
    }
  }

  private async append(lines: string[]): Promise<void> {
    if (!this.fh) throw new Error('log not open');
    await this.fh.appendFile(lines.join(''));
    await this.fh.datasync();
    this.recordsInLog += lines.length;
  }

  /** A failed compaction must not lose the batch it was covering: fall back to appending it to the old log. */
  private async compactOrAppend(lines: string[]): Promise<void> {
    try {
      await this.compact();
    } catch (err) {
      this.opts.onCompactError?.(err);
      this.fh ??= await open(this.path, 'a');
      await this.append(lines);
    }
  }

  /** The snapshot is taken synchronously with the batch swap, so it covers every pending record. */
  private async compact(): Promise<void> {
    this.compactWanted = false;
    const snap = snapshot(this.table);
    await this.fh?.close();
    this.fh = undefined;
    await writeAtomic(this.opts.dir, this.path, snap);
    this.recordsInLog = this.table.size();
    this.fh = await open(this.path, 'a');
  }
}
