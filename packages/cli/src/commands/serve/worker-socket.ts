/**
 * How `iii` connects the local workers it starts: over the engine's TCP port by default, or, with
 * `--worker-transport unix` / `III_WORKER_TRANSPORT=unix`, over a Unix domain socket the engine opens beside
 * it, as `III_URL=ws+unix://<path>:/`. TCP is the default because it measured better where it matters: on the
 * Linkly redirect under wrk -c64 the socket gave 0.91× the throughput and 1.11× the engine CPU per redirect
 * on a quiet machine (`engine-ab --transports`; small writes back a Unix socket up sooner than TCP loopback),
 * although one call at a time it is faster (floor-engine: 2.19× calls/s). TCP stays for everything else
 * (`iii trigger`, the console, remote workers) either way.
 *
 * The socket lives in a private folder of this user, `$XDG_RUNTIME_DIR/iii/` or `<tmpdir>/iii-<uid>/`
 * (0700, owned by us: a folder someone else made, or made open, is not used), named by a hash of the
 * config path: short enough for a socket address, and the same file for the same project on every run,
 * so a file left by a crash is found and replaced.
 */
import { createHash } from 'node:crypto';
import { lstatSync, mkdirSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { isAbsolute, join, resolve } from 'node:path';
import { unixSocketPathProblem } from '@triad/engine';
import { CliError } from '../../output/cli-error.ts';

export type WorkerTransport = 'unix' | 'tcp';

/** `--worker-transport`, else $III_WORKER_TRANSPORT, else tcp. */
export function workerTransport(flag: string | undefined, env: NodeJS.ProcessEnv): WorkerTransport {
  const value = flag ?? env.III_WORKER_TRANSPORT ?? 'tcp';
  if (value === 'unix' || value === 'tcp') return value;
  const source = flag === undefined ? 'III_WORKER_TRANSPORT' : '--worker-transport';
  throw new CliError('E_CLI_BAD_ARGS', `${source} must be unix or tcp (got \`${value}\`)`);
}

/** The socket path for this project, or why there is none (the workers then get TCP). */
export function localSocketPath(configPath: string, env: NodeJS.ProcessEnv): { path: string } | { reason: string } {
  const uid = process.getuid?.();
  if (uid === undefined) return { reason: 'this platform has no user ids' };
  const runtime = env.XDG_RUNTIME_DIR;
  const dir = runtime && isAbsolute(runtime) ? join(runtime, 'iii') : join(tmpdir(), `iii-${uid}`);
  const problem = privateDir(dir, uid);
  if (problem) return { reason: problem };
  const hash = createHash('sha256').update(resolve(configPath)).digest('hex').slice(0, 16);
  const path = join(dir, `${hash}.sock`);
  const tooLong = unixSocketPathProblem(path);
  return tooLong ? { reason: tooLong } : { path };
}

/** Create `dir` 0700 if missing; refuse one that is not ours alone (another user could swap the socket). */
function privateDir(dir: string, uid: number): string | undefined {
  try {
    mkdirSync(dir, { recursive: true, mode: 0o700 });
    const st = lstatSync(dir);
    if (!st.isDirectory()) return `${dir} is not a directory`;
    if (st.uid !== uid) return `${dir} belongs to another user`;
    if ((st.mode & 0o077) !== 0) return `${dir} is open to other users (mode ${(st.mode & 0o777).toString(8)})`;
    return undefined;
  } catch (err) {
    return `cannot use ${dir}: ${(err as Error).message}`;
  }
}
