/** Where a project keeps its files. Logs and pid files live in the project (`.iii/`), not `~/.iii`, so two projects never mix. */
import { homedir } from 'node:os';
import { dirname, join, resolve } from 'node:path';

export interface ProjectPaths {
  dir: string;
  config: string;
  lock: string;
  logs(worker: string): string;
  pidFile(worker: string): string;
  /** Supervisor state of a local worker (`installing`, `running`, `backoff`, `failed`), for `worker list`. */
  stateFile(worker: string): string;
  /** Written by a running `iii`: `{ pid, worker_url }`, so other commands find the engine even on port 0. */
  runtime: string;
}

export function projectPaths(configPath: string): ProjectPaths {
  const dir = dirname(configPath);
  return {
    dir,
    config: configPath,
    lock: join(dir, 'iii.lock'),
    logs: (worker) => join(dir, '.iii', 'logs', worker),
    pidFile: (worker) => join(dir, '.iii', 'pids', `${worker}.pid`),
    stateFile: (worker) => join(dir, '.iii', 'state', worker),
    runtime: join(dir, '.iii', 'engine.json'),
  };
}

/** A config.yaml `worker_path` (relative to the project as `iii worker add` writes it, absolute, or `~/…`) as an absolute folder. */
export function resolveWorkerPath(projectDir: string, workerPath: string): string {
  if (workerPath === '~' || workerPath.startsWith('~/')) return join(homedir(), workerPath.slice(1));
  return resolve(projectDir, workerPath);
}
