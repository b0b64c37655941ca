/** What `iii worker status` / `iii::worker::status` report about one supervised local worker. */
import type { LocalWorker } from './local-worker.ts';

export interface WorkerStatus {
  name: string;
  /**
   * `installing`, `starting` (process up, not yet connected), `running` (connected to the engine),
   * `restarting` (waiting out the backoff), `failed`, `stopped`.
   */
  status: 'installing' | 'starting' | 'running' | 'restarting' | 'failed' | 'stopped';
  pid: number | null;
  connected: boolean;
  /** Stopped by `iii worker stop` (stays stopped until started). */
  held: boolean;
  restarts: number;
  /** ISO time of the last state change. */
  since: string;
  /** Last output line of its scripts (progress displays show it). */
  last_line: string | null;
  /** When failed: what happened, the line of output that says why, and the phase. */
  error: { message: string; line: string | null; phase: 'install' | 'start' } | null;
  worker_path: string;
}

export function workerStatus(w: LocalWorker, held: boolean): WorkerStatus {
  return {
    name: w.spec.name,
    status: statusOf(w),
    pid: w.pid ?? null,
    connected: w.connected,
    held,
    restarts: w.restarts,
    since: new Date(w.since).toISOString(),
    last_line: w.recent.last() ?? null,
    error: w.failure ? { message: w.failure.message, line: w.failure.line ?? null, phase: w.failure.phase } : null,
    worker_path: w.spec.workerPath,
  };
}

function statusOf(w: LocalWorker): WorkerStatus['status'] {
  switch (w.state) {
    case 'running':
      return w.connected ? 'running' : 'starting';
    case 'backoff':
      return 'restarting';
    default:
      return w.state;
  }
}
