/** A running `node packages/cli/bin/iii.js` (the engine) for end-to-end tests. */
import type { ChildProcess } from 'node:child_process';
import { waitFor } from '../../../test/helpers/wait.ts';
import { spawnIii } from './run-cli.ts';

export interface ServeProcess {
  child: ChildProcess;
  /** Everything printed so far. */
  output(): string;
  /** ws://127.0.0.1:<port> printed once the engine is up. */
  workerUrl: string;
  /** Resolves with the exit code. */
  exited: Promise<number | null>;
}

export async function startServe(cwd: string, args: string[] = []): Promise<ServeProcess> {
  const { child, output } = spawnIii(cwd, args, { ...process.env, III_LOG_LEVEL: 'warn' });
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
