/** A running `node packages/cli/bin/iii.js` (the engine) for end-to-end tests. */
import type { ChildProcess } from 'node:child_process';
import { readFileSync, renameSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { waitFor } from '../../../test/helpers/wait.ts';
import { iiiProcess, spawnIii } from './run-cli.ts';

export interface ServeProcess {
  child: ChildProcess;
  /** Everything printed so far. */
  output(): string;
  /** ws://127.0.0.1:<port> printed once the engine is up. */
  workerUrl: string;
  /** Resolves with the exit code. */
  exited: Promise<number | null>;
}

export async function startServe(cwd: string, args: string[] = [], env: NodeJS.ProcessEnv = {}): Promise<ServeProcess> {
  const { child, output } = spawnIii(cwd, args, { ...process.env, III_LOG_LEVEL: 'warn', ...env });
  const exited = new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)));
  let done = false;
  void exited.then(() => {
    done = true;
  });
  const url = await waitFor(
    () => {
      if (done) throw new Error(`iii exited early:\n${output()}`);
      return /worker socket {2}(ws:\/\/127\.0\.0\.1:\d+)/.exec(output())?.[1];
    },
    { timeoutMs: 30_000, what: 'iii to print its worker socket' },
  );
  return { child, output, workerUrl: url, exited };
}

/** Write like an editor (temp + rename). */
export function save(file: string, text: string): void {
  writeFileSync(`${file}.tmp`, text);
  renameSync(`${file}.tmp`, file);
}

/** `iii project init <name>` in `root`, its worker port set to 0 (the engine prints where it ended up). */
export async function initProject(root: string, name: string): Promise<string> {
  const r = await iiiProcess(root, ['project', 'init', name]);
  if (r.code !== 0) throw new Error(`iii project init failed:\n${r.stderr}`);
  const dir = join(root, name);
  const config = join(dir, 'config.yaml');
  const portZero = 'workers:\n  - name: iii-worker-manager\n    config:\n      host: 127.0.0.1\n      port: 0\n';
  save(config, readFileSync(config, 'utf8').replace('workers:\n', portZero));
  return dir;
}
