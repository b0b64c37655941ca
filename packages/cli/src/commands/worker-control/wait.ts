/**
 * Wait for a local worker `iii` supervises to connect (after `worker add`, `start`, `restart`), showing
 * progress (installing, starting, the last line its scripts printed), and fail at once, with the line
 * that says why, when it fails to install or exits before connecting.
 */
import type { IIIClient } from 'iii-sdk';
import { CliError } from '../../output/cli-error.ts';
import type { CliIO } from '../../output/io.ts';
import { progress } from '../../output/progress.ts';
import { callControl, failureHint, failureMessage, type WorkerStatus } from './status.ts';

const LABELS: Record<WorkerStatus['status'], string> = {
  installing: 'installing dependencies',
  starting: 'starting',
  running: 'running',
  restarting: 'restarting',
  failed: 'failed',
  stopped: 'stopped',
};

/**
 * Resolves true once `name` is connected, false on timeout. Throws E_CLI_WORKER_FAILED when it failed.
 * `pendingWhileUnknown`: after `worker add`, `iii` may not have read config.yaml yet, so "unknown" means wait.
 */
export async function waitForWorker(
  client: IIIClient,
  name: string,
  timeoutMs: number,
  io: CliIO,
  pendingWhileUnknown = false,
): Promise<boolean> {
  const started = Date.now();
  const p = progress(io);
  for (;;) {
    const s = await statusOrPending(client, name, pendingWhileUnknown);
    if (s?.status === 'running') {
      p.done(`✓ ${name} is running`);
      return true;
    }
    if (s?.status === 'failed') {
      p.done();
      throw new CliError('E_CLI_WORKER_FAILED', failureMessage(s), failureHint(s));
    }
    const secs = Math.round((Date.now() - started) / 1000);
    const label = s ? LABELS[s.status] : 'waiting for iii to read config.yaml';
    const last = s?.last_line ? ` — ${s.last_line}` : '';
    p.update(`${name}: ${label} (${secs} s)${last}`, label);
    if (Date.now() - started >= timeoutMs) {
      p.done();
      return false;
    }
    // No event reaches a CLI client when a worker's state changes: poll, gently.
    await new Promise((r) => setTimeout(r, 250));
  }
}

async function statusOrPending(client: IIIClient, name: string, pendingWhileUnknown: boolean): Promise<WorkerStatus | undefined> {
  try {
    return await callControl(client, 'status', name);
  } catch (err) {
    if (pendingWhileUnknown && err instanceof CliError && err.code === 'E_CLI_UNKNOWN_WORKER') return undefined;
    throw err;
  }
}
