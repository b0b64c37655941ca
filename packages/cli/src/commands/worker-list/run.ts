/** `iii worker list` (workers.md §19.3): config.yaml entries merged with what the engine reports. */
import { existsSync, readFileSync } from 'node:fs';
import { parseArgs } from '../../args.ts';
import { resolveTarget, withEngine } from '../../engine-client.ts';
import { formatTable } from '../../output/render.ts';
import { ENGINE_WORKER_VERSION } from '../../project/catalog.ts';
import { type ConfigEntry, readEntries } from '../../project/config-file.ts';
import { projectPaths, resolveWorkerPath } from '../../project/paths.ts';
import { readConfigText } from '../../project/project-files.ts';
import { readRuntime } from '../../project/runtime-file.ts';
import { localWorkerVersion } from '../../project/worker-version.ts';
import type { CommandContext } from '../../registry.ts';
import { enginePort } from '../serve/engine-port.ts';
import { options } from './options.ts';

export async function run(ctx: CommandContext): Promise<void> {
  parseArgs(ctx.argv, options);
  const paths = projectPaths(ctx.configPath);
  const entries = readEntries(readConfigText(paths), paths.config);
  if (entries.length === 0) {
    ctx.io.err('No workers. Use `iii worker add` to get started.\n');
    return;
  }
  const running = readRuntime(paths.runtime);
  const connected = await connectedNames(resolveTarget(running ? { url: running.worker_url } : { port: String(enginePort(entries)) }));
  const rows = entries.map((e) => {
    const pid = livePid(paths.pidFile(e.name));
    const supervised = running ? supervisorState(paths.stateFile(e.name)) : undefined;
    return [e.name, versionOf(paths.dir, e), pid === undefined ? '-' : String(pid), statusOf(e, pid, connected, supervised)];
  });
  ctx.io.err(formatTable(['NAME', 'VERSION', 'PID', 'STATUS'], rows));
}

/** Names of connected workers; undefined when the engine is not running. */
async function connectedNames(target: ReturnType<typeof resolveTarget>): Promise<Set<string> | undefined> {
  try {
    return new Set(workerNames(await withEngine(target, 5_000, (c) => c.trigger({ function_id: 'engine::workers::list', payload: {} }))));
  } catch {
    return undefined;
  }
}

/** running (connected) > what the supervisor says (installing, backoff → restarting, failed) > starting/stopped. */
function statusOf(entry: ConfigEntry, pid: number | undefined, connected: Set<string> | undefined, supervised: string | undefined): string {
  if (!connected) return 'stopped';
  if (entry.worker_path === undefined || connected.has(entry.name)) return 'running';
  if (supervised === 'installing' || supervised === 'failed') return supervised;
  if (supervised === 'backoff') return 'restarting';
  return pid === undefined ? 'stopped' : 'starting';
}

function supervisorState(file: string): string | undefined {
  return existsSync(file) ? readFileSync(file, 'utf8').trim() : undefined;
}

function versionOf(dir: string, entry: ConfigEntry): string {
  if (entry.worker_path === undefined) return ENGINE_WORKER_VERSION;
  return localWorkerVersion(resolveWorkerPath(dir, entry.worker_path)) ?? '-';
}

function livePid(file: string): number | undefined {
  if (!existsSync(file)) return undefined;
  const pid = Number(readFileSync(file, 'utf8').trim());
  if (!Number.isInteger(pid) || pid <= 0) return undefined;
  try {
    process.kill(pid, 0);
    return pid;
  } catch {
    return undefined;
  }
}

/** Names of connected workers, from an `engine::workers::list` answer. */
export function workerNames(result: unknown): string[] {
  const workers = typeof result === 'object' && result !== null ? (result as { workers?: unknown }).workers : undefined;
  if (!Array.isArray(workers)) return [];
  return workers
    .map((w) => (typeof w === 'object' && w !== null ? (w as { name?: unknown }).name : undefined))
    .filter((n): n is string => typeof n === 'string');
}
