/**
 * One supervised local worker (workers.md §22.2): install when needed, run `sh -c '<scripts.start>'` in
 * its own process group with the engine URL in its env, restart it with backoff when it dies after
 * having connected, and stop the whole group (SIGTERM, SIGKILL after a grace period) when asked.
 *
 * Two failures stop the retrying and leave the worker `failed` with the line that says why: an install
 * script that fails, and a start that exits before the worker ever connected to the engine (a crash on
 * start is a bug to fix, not a hiccup to retry every 30 s). Editing iii.worker.yaml or a package file
 * (InputWatch) then starts it again, installing first when they changed.
 */
import { type ChildProcess, spawn } from 'node:child_process';
import { EventEmitter } from 'node:events';
import { mkdirSync, rmSync, writeFileSync } from 'node:fs';
import { dirname } from 'node:path';
import { type Manifest, readManifest } from '../../project/manifest.ts';
import { Backoff, type BackoffPolicy } from './backoff.ts';
import { errorLine, RecentLines } from './error-line.ts';
import { installReason, writeMarker } from './install.ts';
import type { LogSink } from './log-sink.ts';
import { groupSignal, terminateGroup } from './processes.ts';

export interface LocalWorkerSpec {
  name: string;
  /** Absolute folder holding iii.worker.yaml. */
  workerPath: string;
}

export interface LocalWorkerOptions {
  engineUrl: string;
  /** Absolute config.yaml path, handed to the worker as III_CONFIG_PATH (as the reference does). */
  configPath: string;
  env: NodeJS.ProcessEnv;
  sink: LogSink;
  pidFile: string;
  /** Where the current state is written for `iii worker list`. */
  stateFile: string;
  /** @default 5000 */
  graceMs?: number;
  backoff?: BackoffPolicy;
}

export type WorkerState = 'installing' | 'running' | 'backoff' | 'failed' | 'stopped';

/** Why a worker is `failed`: what happened, and the line of output that says why. */
export interface WorkerFailure {
  message: string;
  line?: string;
  /** `install` (setup/install script) or `start` (exited before connecting, or no start script). */
  phase: 'install' | 'start';
}

/** Events: `spawn` (pid), `exit` ({ code, signal }), `failed` (WorkerFailure), `state` (WorkerState). */
export class LocalWorker extends EventEmitter {
  state: WorkerState = 'stopped';
  pid: number | undefined;
  /** Set by the supervisor from the engine's connections: the worker is registered under its name. */
  connected = false;
  failure: WorkerFailure | undefined;
  /** Automatic restarts since the last start. */
  restarts = 0;
  /** When the state last changed (ms). */
  since = Date.now();
  /** The scripts' recent output lines (install and start), for error reports and progress. */
  readonly recent = new RecentLines();
  private connectedThisRun = false;
  private child: ChildProcess | undefined;
  private exited: Promise<void> = Promise.resolve();
  private restartTimer: NodeJS.Timeout | undefined;
  private stopping = false;
  private backoff: Backoff;

  constructor(
    readonly spec: LocalWorkerSpec,
    private readonly opts: LocalWorkerOptions,
  ) {
    super();
    this.backoff = new Backoff(opts.backoff);
    opts.sink.tap((line) => this.recent.push(line));
  }

  /** Install if needed, then spawn. Never throws: failures leave the worker `failed` and logged. */
  async start(): Promise<void> {
    this.stopping = false;
    this.failure = undefined;
    this.restarts = 0;
    this.backoff = new Backoff(this.opts.backoff);
    this.recent.clear();
    let manifest: Manifest;
    try {
      manifest = readManifest(this.spec.workerPath);
      if (!manifest.scripts.start) throw new Error(`${this.spec.workerPath}/iii.worker.yaml has no scripts.start`);
    } catch (err) {
      if (!this.stopping) this.fail({ phase: 'start', message: err instanceof Error ? err.message : String(err) });
      return;
    }
    try {
      await this.install(manifest);
    } catch (err) {
      if (!this.stopping) this.fail({ phase: 'install', message: (err as Error).message, ...lineOf(this.recent.all()) });
      return;
    }
    if (!this.stopping) this.spawnStart(manifest);
  }

  async stop(): Promise<void> {
    this.stopping = true;
    clearTimeout(this.restartTimer);
    const pgid = this.pid;
    if (pgid !== undefined) await terminateGroup(pgid, this.opts.graceMs ?? 5_000);
    await this.exited;
    this.setState('stopped');
  }

  /** SIGKILL the current group now, no waiting (used when `iii` itself must exit immediately). */
  kill(): void {
    this.stopping = true;
    clearTimeout(this.restartTimer);
    if (this.pid !== undefined) groupSignal(this.pid, 'SIGKILL');
  }

  setConnected(connected: boolean): void {
    if (connected && !this.connected && this.state === 'running') this.connectedThisRun = true;
    this.connected = connected;
  }

  private async install(manifest: Manifest): Promise<void> {
    const reason = installReason(this.spec.workerPath, manifest, this.opts.env);
    if (reason === undefined) return;
    this.setState('installing');
    for (const [label, script] of [
      ['setup', manifest.scripts.setup],
      ['install', manifest.scripts.install],
    ] as const) {
      if (!script || this.stopping) continue;
      this.opts.sink.note(`running ${label} (${reason}): ${script}`);
      const code = await this.runOnce(script, manifest);
      if (code !== 0) throw new Error(`${label} script \`${script}\` failed (exit ${code})`);
    }
    // The marker means "install finished": never write it for an install cut short by a stop.
    if (!this.stopping) writeMarker(this.spec.workerPath);
  }

  /** Run a script to completion, output through the sink. Resolves with the exit code. */
  private runOnce(script: string, manifest: Manifest): Promise<number> {
    const child = spawn('sh', ['-c', script], {
      cwd: this.spec.workerPath,
      env: this.env(manifest),
      detached: true,
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    this.track(child);
    return new Promise((resolve) => {
      child.once('error', () => resolve(127));
      child.once('close', (code) => resolve(code ?? 1));
    });
  }

  private spawnStart(manifest: Manifest): void {
    const startedAt = Date.now();
    // Whatever was connected under this name belongs to the previous run: wait for this one to connect.
    this.connected = false;
    this.connectedThisRun = false;
    const child = spawn('sh', ['-c', manifest.scripts.start as string], {
      cwd: this.spec.workerPath,
      env: this.env(manifest),
      detached: true,
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    this.track(child);
    this.setState('running');
    if (child.pid !== undefined) {
      mkdirSync(dirname(this.opts.pidFile), { recursive: true });
      writeFileSync(this.opts.pidFile, `${child.pid}\n`);
      this.emit('spawn', child.pid);
    }
    child.once('exit', (code, signal) => void this.onExit(child, startedAt, code, signal, manifest));
  }

  /** Hook a child's output to the sink and remember it as the one to kill. */
  private track(child: ChildProcess): void {
    this.child = child;
    this.pid = child.pid;
    if (child.stdout) this.opts.sink.attach(child.stdout, 'stdout');
    if (child.stderr) this.opts.sink.attach(child.stderr, 'stderr');
    this.exited = new Promise((resolve) => {
      child.once('close', () => resolve());
      child.once('error', () => resolve());
    });
  }

  private async onExit(
    child: ChildProcess,
    startedAt: number,
    code: number | null,
    signal: NodeJS.Signals | null,
    manifest: Manifest,
  ): Promise<void> {
    this.emit('exit', { code, signal });
    // The leader is gone; kill what it left behind so a restart never runs two copies.
    if (child.pid !== undefined) await terminateGroup(child.pid, this.opts.graceMs ?? 5_000);
    await this.exited;
    if (this.stopping || this.child !== child) return;
    this.pid = undefined;
    rmSync(this.opts.pidFile, { force: true });
    const how = signal ?? `code ${code}`;
    if (!this.connectedThisRun) {
      this.fail({ phase: 'start', message: `exited (${how}) before connecting to the engine`, ...lineOf(this.recent.all()) });
      return;
    }
    const delay = this.backoff.next(Date.now() - startedAt);
    this.restarts++;
    this.opts.sink.note(`exited (${how}); restarting in ${delay} ms`);
    this.setState('backoff');
    this.restartTimer = setTimeout(() => {
      if (!this.stopping) this.spawnStart(manifest);
    }, delay);
  }

  private env(manifest: Manifest): NodeJS.ProcessEnv {
    const url = this.opts.engineUrl;
    return {
      // The SDK names its traces and logs after OTEL_SERVICE_NAME, else "iii-node" for every worker: name them
      // after the worker unless the environment or the manifest says otherwise.
      OTEL_SERVICE_NAME: this.spec.name,
      ...this.opts.env,
      ...manifest.env,
      III_URL: url,
      III_ENGINE_URL: url,
      III_WORKER_NAME: this.spec.name,
      III_CONFIG_PATH: this.opts.configPath,
      III_ENGINE_PID: String(process.pid),
      III_ISOLATION: 'process',
    };
  }

  private fail(failure: WorkerFailure): void {
    this.failure = failure;
    this.opts.sink.note(`failed: ${failure.message}${failure.line ? ` — ${failure.line}` : ''}`);
    this.setState('failed');
    this.emit('failed', failure);
  }

  private setState(state: WorkerState): void {
    // The state file lets `iii worker list` tell installing / restarting / failed apart.
    if (state === 'stopped') {
      rmSync(this.opts.pidFile, { force: true });
      rmSync(this.opts.stateFile, { force: true });
    } else {
      mkdirSync(dirname(this.opts.stateFile), { recursive: true });
      writeFileSync(this.opts.stateFile, `${state}\n`);
    }
    this.state = state;
    this.since = Date.now();
    this.emit('state', state);
  }
}

function lineOf(lines: readonly string[]): { line?: string } {
  const line = errorLine(lines);
  return line === undefined ? {} : { line };
}
