/** A local worker's status as `iii::worker::*` answers it, parsed once at the edge. */
import { z } from '@triad/engine';
import type { IIIClient } from 'iii-sdk';
import { remoteError } from '../../engine-client.ts';
import { CliError } from '../../output/cli-error.ts';

const statusSchema = z.looseObject({
  name: z.string(),
  status: z.enum(['installing', 'starting', 'running', 'restarting', 'failed', 'stopped']),
  pid: z.number().nullable(),
  connected: z.boolean(),
  held: z.boolean(),
  restarts: z.number(),
  since: z.string(),
  last_line: z.string().nullable(),
  error: z.looseObject({ message: z.string(), line: z.string().nullable(), phase: z.enum(['install', 'start']) }).nullable(),
  worker_path: z.string(),
});

export type WorkerStatus = z.infer<typeof statusSchema>;

const listSchema = z.looseObject({ workers: z.array(statusSchema) });

export function parseStatus(raw: unknown): WorkerStatus {
  const r = statusSchema.safeParse(raw);
  if (!r.success) throw new CliError('E_INTERNAL', `unexpected answer from iii::worker::*: ${JSON.stringify(raw)}`);
  return r.data;
}

/** Call `iii::worker::<verb>`; the engine's coded errors keep their code (E_CLI_UNKNOWN_WORKER, …). */
export async function callControl(client: IIIClient, verb: 'status' | 'start' | 'stop' | 'restart', name: string): Promise<WorkerStatus> {
  let raw: unknown;
  try {
    raw = await client.trigger({ function_id: `iii::worker::${verb}`, payload: { name } });
  } catch (err) {
    const remote = remoteError(err);
    if (remote) throw new CliError(remote.code, remote.message);
    throw err;
  }
  if (verb !== 'status') return parseStatus(raw);
  const r = listSchema.safeParse(raw);
  const first = r.success ? r.data.workers[0] : undefined;
  if (!first) throw new CliError('E_INTERNAL', `unexpected answer from iii::worker::status: ${JSON.stringify(raw)}`);
  return first;
}

/** The next thing to try after a failure, by where it failed. */
export function failureHint(s: WorkerStatus): string {
  const logs = `full output: \`iii worker logs ${s.name}\``;
  if (s.error?.phase === 'install')
    return `fix the dependency (package.json, pyproject.toml, …): iii installs again as soon as it or iii.worker.yaml changes, or run \`iii worker restart ${s.name}\`; ${logs}`;
  return `fix the worker, then \`iii worker restart ${s.name}\` (editing iii.worker.yaml or its package file restarts it too); ${logs}`;
}

/** `link failed: install script `npm install` failed (exit 1): npm error notarget No matching version …` */
export function failureMessage(s: WorkerStatus): string {
  const e = s.error;
  if (!e) return `${s.name} failed`;
  return `${s.name} failed: ${e.message}${e.line ? `: ${e.line}` : ''}`;
}
