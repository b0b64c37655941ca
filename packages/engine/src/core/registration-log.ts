/**
 * The `[REGISTERED] …` lines the tutorial tells readers to look for (workers.md §16): one info line per
 * function, trigger type and trigger a connected worker registers. HTTP triggers read as endpoints,
 * `[REGISTERED] Endpoint POST /links → http::create`, as in the reference.
 */
import type { Logger } from '../util/logger.ts';

/** Longest trigger config shown inline; longer ones are cut with `…`. */
const MAX_CONFIG = 80;

export function logFunctionRegistered(log: Logger, id: string): void {
  log.info(`[REGISTERED] Function ${id}`);
}

export function logTriggerTypeRegistered(log: Logger, id: string): void {
  log.info(`[REGISTERED] Trigger type ${id}`);
}

export function logTriggerRegistered(log: Logger, t: { trigger_type: string; function_id: string; config: unknown }, parked = false): void {
  const waiting = parked ? ` (waiting for trigger type ${t.trigger_type})` : '';
  log.info(`[REGISTERED] ${triggerLabel(t.trigger_type, t.config)} → ${t.function_id}${waiting}`);
}

/** `Endpoint GET /s/:code` for http triggers, else `Trigger <type> <config as compact JSON>`. */
export function triggerLabel(type: string, config: unknown): string {
  const c = typeof config === 'object' && config !== null ? (config as Record<string, unknown>) : {};
  if (type === 'http' && typeof c.api_path === 'string') {
    const method = typeof c.http_method === 'string' ? c.http_method.toUpperCase() : 'GET';
    return `Endpoint ${method} ${c.api_path.startsWith('/') ? c.api_path : `/${c.api_path}`}`;
  }
  if (config === null || config === undefined) return `Trigger ${type}`;
  let json: string;
  try {
    json = JSON.stringify(config) ?? '';
  } catch {
    json = '[unserialisable]';
  }
  return `Trigger ${type} ${json.length > MAX_CONFIG ? `${json.slice(0, MAX_CONFIG)}…` : json}`;
}
