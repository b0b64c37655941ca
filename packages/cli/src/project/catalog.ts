/**
 * Worker names `iii worker add` resolves without a registry (workers.md §19.1): Triad runs all of
 * these in the engine process, so adding one only writes config.yaml + iii.lock.
 */
import { COMPAT_VERSION } from '../version.ts';

/** Always on; `worker add` only prints a notice. */
export const MANDATORY = new Set([
  'iii-worker-manager',
  'iii-telemetry',
  'iii-engine-functions',
  'iii-http-functions',
  'iii-observability',
  'configuration',
]);

/** Built into the engine under their v0.22 names. */
export const BUILTINS = new Set(['http', 'state', 'queue', 'pubsub', 'cron', 'database', 'iii-stream', 'console']);

/** Deprecated spellings → the name to use instead. */
export const DEPRECATED: Readonly<Record<string, string>> = {
  'iii-http': 'http',
  'iii-state': 'state',
  'iii-queue': 'queue',
  'iii-pubsub': 'pubsub',
  'iii-cron': 'cron',
};

/** Version written to iii.lock for engine workers. */
export const ENGINE_WORKER_VERSION = COMPAT_VERSION;

export type WorkerKind = 'mandatory' | 'builtin' | 'deprecated' | 'local' | 'unknown';

/** Local paths start with `.`, `/` or `~` (as in the reference). */
export function classify(arg: string): WorkerKind {
  if (arg.startsWith('.') || arg.startsWith('/') || arg.startsWith('~')) return 'local';
  if (MANDATORY.has(arg)) return 'mandatory';
  if (BUILTINS.has(arg)) return 'builtin';
  if (arg in DEPRECATED) return 'deprecated';
  return 'unknown';
}
