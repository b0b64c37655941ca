/**
 * After `iii worker add ./dir` with a running `iii` (workers.md §19.1): wait until the worker has
 * connected under its name (`engine::workers::list`), so the user knows it is up, or say where to look.
 */
import { remoteError, resolveTarget, withEngine } from '../../engine-client.ts';
import type { CliIO } from '../../output/io.ts';
import { readRuntime } from '../../project/runtime-file.ts';

/** Names of connected workers, from an `engine::workers::list` answer. */
export function workerNames(result: unknown): string[] {
  const workers = typeof result === 'object' && result !== null ? (result as { workers?: unknown }).workers : undefined;
  if (!Array.isArray(workers)) return [];
  return workers
    .map((w) => (typeof w === 'object' && w !== null ? (w as { name?: unknown }).name : undefined))
    .filter((n): n is string => typeof n === 'string');
}

/** Resolves true once `name` is connected, false on timeout or when no engine runs for this project. */
export async function waitReady(runtimeFile: string, name: string, timeoutMs: number, io: CliIO): Promise<boolean> {
  const running = readRuntime(runtimeFile);
  if (!running) {
    io.err('The engine is not running: start it with `iii` (it installs and starts the worker).\n');
    return false;
  }
  io.err(`Waiting for ${name} to connect to ${running.worker_url} (up to ${Math.round(timeoutMs / 1000)} s; --no-wait skips this)…\n`);
  const deadline = Date.now() + timeoutMs;
  try {
    return await withEngine(resolveTarget({ url: running.worker_url }), 10_000, async (client) => {
      while (Date.now() < deadline) {
        const names = workerNames(await client.trigger({ function_id: 'engine::workers::list', payload: {} }));
        if (names.includes(name)) return true;
        // No event tells a CLI client that another worker connected: poll, gently.
        await new Promise((r) => setTimeout(r, 250));
      }
      return false;
    });
  } catch (err) {
    io.err(
      `warning: could not ask the engine about ${name}: ${remoteError(err)?.message ?? (err instanceof Error ? err.message : String(err))}\n`,
    );
    return false;
  }
}
