/**
 * Keeps the running local workers equal to the `worker_path` entries of config.yaml: on every
 * change (workers.md §16 step 6) added entries start, removed ones stop, changed ones restart.
 */
import { isDeepStrictEqual } from 'node:util';
import { EngineError, type LogFormat } from '@triad/engine';
import type { CliIO } from '../../output/io.ts';
import { statusLine } from '../../output/log-line.ts';
import { type ProjectPaths, resolveWorkerPath } from '../../project/paths.ts';
import type { BackoffPolicy } from './backoff.ts';
import { type InputWatch, watchInputs } from './input-watch.ts';
import { packageDeps } from './install.ts';
import { LocalWorker } from './local-worker.ts';
import { LogSink } from './log-sink.ts';
import { type WorkerStatus, workerStatus } from './worker-status.ts';

/** A local-worker entry as config.yaml has it. */
export interface LocalEntry {
  name: string;
  worker_path: string;
  config?: unknown;
}

export interface SupervisorOptions {
  paths: ProjectPaths;
  /** The engine's TCP worker URL (ws://127.0.0.1:<port>). */
  engineUrl: string;
  /** The engine's Unix socket for local workers (ws+unix://<path>:/), given to workers on the official Node SDK. */
  unixUrl?: string;
  io: CliIO;
  env: NodeJS.ProcessEnv;
  /** The engine secret: handed to workers (III_ENGINE_SECRET, and inside III_URL) and masked in their logs. */
  secret?: string;
  /** `json`: notes and worker output as JSON lines (`iii --log-format json`). @default text */
  logFormat?: LogFormat;
  graceMs?: number;
  backoff?: BackoffPolicy;
  /** Called for every worker created (tests listen to its events). */
  onWorker?: (worker: LocalWorker) => void;
}

export interface ReconcilePlan {
  added: LocalEntry[];
  removed: string[];
  changed: LocalEntry[];
}

/** Pure diff by name; an entry changes when its path or config differs structurally. */
export function planReconcile(current: ReadonlyMap<string, LocalEntry>, next: readonly LocalEntry[]): ReconcilePlan {
  const nextByName = new Map(next.map((e) => [e.name, e]));
  const removed = [...current.keys()].filter((n) => !nextByName.has(n));
  const added = next.filter((e) => !current.has(e.name));
  const changed = next.filter((e) => {
    const before = current.get(e.name);
    return before !== undefined && !isDeepStrictEqual(before, e);
  });
  return { added, removed, changed };
}

export class Supervisor {
  private readonly entries = new Map<string, LocalEntry>();
  private readonly workers = new Map<string, LocalWorker>();
  /** Workers being stopped: gone from `workers` but maybe still alive (killAll must reach them). */
  private readonly leaving = new Set<LocalWorker>();
  /** Reconciles and start/stop/restart run one at a time, in order, so a fast edit-save-edit never interleaves. */
  private queue: Promise<void> = Promise.resolve();
  /** Stopped by `iii worker stop`: not started again until asked (or until its entry changes). */
  private readonly held = new Set<string>();
  private readonly watches = new Map<string, InputWatch>();
  /** Names registered with the engine right now (from its connections). */
  private connected = new Set<string>();
  /** The "all connected" line was printed for the current set; printed again after a drop. */
  private allUpSaid = false;

  constructor(private readonly opts: SupervisorOptions) {}

  get paths(): ProjectPaths {
    return this.opts.paths;
  }

  get names(): string[] {
    return [...this.workers.keys()];
  }

  worker(name: string): LocalWorker | undefined {
    return this.workers.get(name);
  }

  reconcile(next: readonly LocalEntry[], why = 'removed from config.yaml'): Promise<void> {
    const entries = next.map((e) => ({ ...e, worker_path: resolveWorkerPath(this.opts.paths.dir, e.worker_path) }));
    return this.serially(() => this.apply(planReconcile(this.entries, entries), why));
  }

  /** The engine's connected worker names changed: update each worker, and say once when all are up. */
  setConnected(names: Iterable<string>): void {
    this.connected = new Set(names);
    for (const [name, worker] of this.workers) worker.setConnected(this.connected.has(name));
    this.checkAllUp();
  }

  /** Status of one worker (E_CLI_UNKNOWN_WORKER when `iii` does not supervise it) or of all. */
  status(name?: string): WorkerStatus[] {
    if (name === undefined) return [...this.workers.values()].map((w) => workerStatus(w, this.held.has(w.spec.name)));
    return [workerStatus(this.known(name), this.held.has(name))];
  }

  /** `iii worker start`: start a stopped or failed worker (install first if its inputs changed); no-op when up. */
  startWorker(name: string): Promise<WorkerStatus> {
    return this.serially(async () => {
      const worker = this.known(name);
      this.held.delete(name);
      if (worker.state === 'stopped' || worker.state === 'failed') {
        this.say(`> local worker ${name} starting (iii worker start)`);
        void worker.start();
      }
      return workerStatus(worker, false);
    });
  }

  /** `iii worker stop`: stop it and keep it stopped until `start`/`restart`. */
  stopWorker(name: string): Promise<WorkerStatus> {
    return this.serially(async () => {
      const worker = this.known(name);
      this.held.add(name);
      this.allUpSaid = false;
      await worker.stop();
      this.say(`- local worker ${name} stopped (iii worker stop)`);
      return workerStatus(worker, true);
    });
  }

  /** `iii worker restart`: stop, then start again (installing first if its inputs changed). */
  restartWorker(name: string, why = 'iii worker restart'): Promise<WorkerStatus> {
    return this.serially(async () => {
      const worker = this.known(name);
      this.held.delete(name);
      this.allUpSaid = false;
      await worker.stop();
      this.say(`~ local worker ${name} restarting (${why})`);
      void worker.start();
      return workerStatus(worker, false);
    });
  }

  /** Last resort (second Ctrl-C, `iii` exiting abnormally): SIGKILL every worker group, synchronously. */
  killAll(): void {
    for (const worker of [...this.workers.values(), ...this.leaving]) worker.kill();
  }

  /** Stop every worker (in parallel) and forget them. */
  stopAll(): Promise<void> {
    return this.reconcile([], 'shutting down');
  }

  private serially<T>(task: () => Promise<T>): Promise<T> {
    const run = this.queue.then(task);
    this.queue = run.then(
      () => {},
      () => {},
    );
    return run;
  }

  private known(name: string): LocalWorker {
    const worker = this.workers.get(name);
    if (worker) return worker;
    const names = this.names.join(', ') || 'none';
    throw new EngineError('E_CLI_UNKNOWN_WORKER', `'${name}' is not a local worker of this project (local workers: ${names})`);
  }

  private say(msg: string): void {
    this.opts.io.err(statusLine(this.opts.logFormat, { level: 'info', scope: 'iii', msg }));
  }

  /** One line when every supervised (not held) worker is connected; again after any of them dropped. */
  private checkAllUp(): void {
    const expected = this.names.filter((n) => !this.held.has(n));
    const up = expected.length > 0 && expected.every((n) => this.connected.has(n));
    if (up && !this.allUpSaid) this.say(`✓ every local worker is connected (${expected.length}): ${expected.join(', ')}`);
    this.allUpSaid = up;
  }

  private async apply(plan: ReconcilePlan, why: string): Promise<void> {
    const say = (msg: string): void => this.say(msg);
    await Promise.all(plan.changed.map((e) => this.stopOne(e.name)));
    await Promise.all(plan.removed.map((n) => this.stopOne(n)));
    for (const n of plan.removed) say(`- local worker ${n} stopped (${why})`);
    for (const e of plan.changed) {
      say(`~ local worker ${e.name} changed; restarting`);
      this.startOne(e);
    }
    for (const e of plan.added) {
      say(`+ local worker ${e.name} (${e.worker_path})`);
      this.startOne(e);
    }
  }

  private startOne(entry: LocalEntry): void {
    const { paths } = this.opts;
    const worker = new LocalWorker(
      { name: entry.name, workerPath: entry.worker_path },
      {
        engineUrl: workerUrl(this.urlFor(entry.worker_path), this.opts.secret),
        configPath: paths.config,
        env: this.opts.secret === undefined ? this.opts.env : { ...this.opts.env, III_ENGINE_SECRET: this.opts.secret },
        sink: new LogSink(entry.name, paths.logs(entry.name), this.opts.io, this.opts.secret, this.opts.logFormat),
        pidFile: paths.pidFile(entry.name),
        stateFile: paths.stateFile(entry.name),
        ...(this.opts.graceMs !== undefined ? { graceMs: this.opts.graceMs } : {}),
        ...(this.opts.backoff ? { backoff: this.opts.backoff } : {}),
      },
    );
    this.entries.set(entry.name, entry);
    this.workers.set(entry.name, worker);
    this.held.delete(entry.name);
    this.allUpSaid = false;
    worker.setConnected(this.connected.has(entry.name));
    this.watches.set(
      entry.name,
      watchInputs(entry.worker_path, (files) => {
        if (!this.held.has(entry.name)) void this.restartWorker(entry.name, `${files.join(', ')} changed`).catch(() => {});
      }),
    );
    this.opts.onWorker?.(worker);
    void worker.start();
  }

  /**
   * The Unix socket only for workers on the official Node iii-sdk (its `ws` client takes `ws+unix://`
   * URLs); anything else (Python, Rust, another client) keeps the TCP URL it knows how to open.
   */
  private urlFor(workerPath: string): string {
    if (this.opts.unixUrl === undefined) return this.opts.engineUrl;
    return packageDeps(workerPath)?.includes('iii-sdk') ? this.opts.unixUrl : this.opts.engineUrl;
  }

  private async stopOne(name: string): Promise<void> {
    const worker = this.workers.get(name);
    this.workers.delete(name);
    this.entries.delete(name);
    this.held.delete(name);
    this.watches.get(name)?.close();
    this.watches.delete(name);
    if (!worker) return;
    this.leaving.add(worker);
    try {
      await worker.stop();
    } finally {
      this.leaving.delete(worker);
    }
  }
}

/**
 * The URL a supervised worker gets as III_URL: with a secret, `ws://host:port/secret/<s>`, the one form
 * an unmodified iii-sdk carries to its telemetry and channel sockets too (transport/secret-path.ts).
 */
export function workerUrl(engineUrl: string, secret: string | undefined): string {
  return secret === undefined ? engineUrl : `${engineUrl.replace(/\/$/, '')}/secret/${encodeURIComponent(secret)}`;
}
