/** `.iii/engine.json`: where the project's running engine listens (written by `iii`, read by other commands). */
import { existsSync, mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { dirname } from 'node:path';

export interface EngineRuntime {
  pid: number;
  worker_url: string;
}

export function writeRuntime(file: string, runtime: EngineRuntime): void {
  mkdirSync(dirname(file), { recursive: true });
  writeFileSync(file, `${JSON.stringify(runtime)}\n`);
}

export function removeRuntime(file: string): void {
  rmSync(file, { force: true });
}

/** The recorded engine if its process still runs; undefined otherwise (stale or absent file). */
export function readRuntime(file: string): EngineRuntime | undefined {
  if (!existsSync(file)) return undefined;
  try {
    const raw = JSON.parse(readFileSync(file, 'utf8')) as { pid?: unknown; worker_url?: unknown };
    if (typeof raw.pid !== 'number' || typeof raw.worker_url !== 'string') return undefined;
    process.kill(raw.pid, 0);
    return { pid: raw.pid, worker_url: raw.worker_url };
  } catch {
    return undefined;
  }
}
