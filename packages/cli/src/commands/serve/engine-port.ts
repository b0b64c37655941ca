/** The engine's worker port as config.yaml declares it (first `iii-worker-manager` entry). */
import type { ConfigEntry } from '../../project/config-file.ts';

/** @default 49134 */
export const DEFAULT_ENGINE_PORT = 49134;

export function enginePort(entries: readonly ConfigEntry[]): number {
  for (const e of entries) {
    if (e.name !== 'iii-worker-manager') continue;
    const port = typeof e.config === 'object' && e.config !== null ? (e.config as { port?: unknown }).port : undefined;
    if (typeof port === 'number' && Number.isInteger(port)) return port;
    if (typeof port === 'string' && /^\d+$/.test(port)) return Number(port);
  }
  return DEFAULT_ENGINE_PORT;
}
