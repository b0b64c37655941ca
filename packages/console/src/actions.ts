/**
 * Which console calls are actions, and the record each one leaves. A call that can change the running
 * system (anything not on the read-only list below, so an unknown function counts as an action) is
 * logged before it runs: at info level in the console's log (the engine log in-process) and as an
 * engine log record through `engine::log::info` (service `iii-console`), so the Logs page shows who
 * did what and when.
 */
import type { IncomingMessage } from 'node:http';
import type { EngineLink } from './link.ts';

/** Functions the pages call to show things; calling them is not an action. */
const READS = new Set([
  'console::status',
  'engine::functions::list',
  'engine::functions::info',
  'engine::workers::list',
  'engine::workers::info',
  'engine::triggers::list',
  'engine::triggers::info',
  'engine::registered-triggers::list',
  'engine::registered-triggers::info',
  'engine::traces::list',
  'engine::traces::tree',
  'engine::traces::group_by',
  'engine::logs::list',
  'engine::metrics::list',
  'engine::rollups::list',
  'engine::health::check',
  'engine::alerts::list',
  'engine::sampling::rules',
  'engine::queue::list_topics',
  'engine::queue::topic_stats',
  'engine::queue::dlq_topics',
  'engine::queue::dlq_messages',
  'state::get',
  'state::list',
  'state::list_groups',
  'state::list_entries',
  'stream::get',
  'stream::list',
  'stream::list_groups',
  'stream::list_all',
  'stream::list_entries',
  'configuration::get',
  'configuration::list',
  'configuration::schema',
]);

export function isAction(functionId: string): boolean {
  return !READS.has(functionId);
}

/** Who asked: the peer address, and whether the console token admitted the request. */
export function who(req: IncomingMessage, tokenRequired: boolean): string {
  const addr = req.socket.remoteAddress ?? 'unknown';
  return tokenRequired ? `${addr} (token)` : addr;
}

/** Payloads are logged whole up to this size; larger ones are cut (a log line is not a data store). */
const MAX_LOGGED_PAYLOAD = 2_000;

function summary(payload: unknown): string {
  const text = JSON.stringify(payload ?? null);
  return text.length > MAX_LOGGED_PAYLOAD ? `${text.slice(0, MAX_LOGGED_PAYLOAD)}… (${text.length} bytes)` : text;
}

/** Record an action; never fails the action itself (a log store that is off must not block operators). */
export async function logAction(link: EngineLink, by: string, functionId: string, payload: unknown): Promise<void> {
  const fields = { by, function_id: functionId, payload: summary(payload), at: new Date().toISOString() };
  link.info(`console action: ${functionId} by ${by}`, fields);
  try {
    await link.call('engine::log::info', { message: `console action: ${functionId}`, data: fields, service_name: 'iii-console' });
  } catch (err) {
    link.info('console action not stored as an engine log record', { function_id: functionId, error: String(err) });
  }
}
