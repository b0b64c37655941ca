/**
 * Turning handler results into HTTP responses (workers.md §1.4, §1.5). Pure functions: the server
 * only writes what these return.
 */
import { validateHeaderName, validateHeaderValue } from 'node:http';
import type { Logger } from '../../util/logger.ts';

export interface HttpReply {
  status: number;
  /** Set on engine-generated 5xx errors, for the log line that goes with the reply. */
  errorId?: string;
  /** Lower-cased names; later entries with the same name are kept (e.g. several set-cookie). */
  headers: Array<[string, string]>;
  body: Buffer;
}

const EMPTY = Buffer.alloc(0);

function isRecord(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

export function validStatus(v: unknown): v is number {
  return typeof v === 'number' && Number.isInteger(v) && v >= 100 && v <= 599;
}

/** Headers as an object `{Name: value}` (non-strings skipped) or an array of `"Name: value"`. */
export function headersOf(raw: unknown, log?: Logger): Array<[string, string]> {
  const pairs: Array<[string, string]> = [];
  if (Array.isArray(raw)) {
    for (const line of raw) {
      if (typeof line !== 'string') continue;
      const i = line.indexOf(':');
      if (i > 0) addValid(pairs, line.slice(0, i).trim(), line.slice(i + 1).trim(), log);
    }
  } else if (isRecord(raw)) {
    for (const k in raw) {
      const v = raw[k];
      if (typeof v === 'string') addValid(pairs, k, v, log);
    }
  }
  return pairs;
}

function addValid(pairs: Array<[string, string]>, name: string, value: string, log: Logger | undefined): void {
  try {
    validateHeaderName(name);
    validateHeaderValue(name, value);
  } catch {
    log?.warn('skipping an invalid response header from the handler', { name });
    return;
  }
  pairs.push([name.toLowerCase(), value]);
}

/**
 * A buffered handler result `{ status_code?, headers?, body? }`. Non-objects read as `{}`, as in
 * the reference engine, so they answer 200 with `{}`; a 3xx or 204 without a body answers with none.
 */
export function replyFromResult(result: unknown, log?: Logger): HttpReply {
  const r = isRecord(result) ? result : {};
  const status = validStatus(r.status_code) ? r.status_code : 200;
  const headers = headersOf(r.headers, log);
  // A redirect or 204 the handler gave no body has none (the reference sends `{}` as JSON).
  if (r.body === undefined && ((status >= 300 && status < 400) || status === 204)) return { status, headers, body: EMPTY };
  const body = 'body' in r && r.body !== undefined ? r.body : {};
  const ct = headers.find(([n]) => n === 'content-type')?.[1];
  if (ct !== undefined) {
    if (typeof body === 'string') return { status, headers, body: Buffer.from(body) };
    if (body === null) return { status, headers, body: EMPTY };
    return { status, headers, body: Buffer.from(JSON.stringify(body)) };
  }
  headers.push(['content-type', 'application/json']);
  return { status, headers, body: Buffer.from(JSON.stringify(body)) };
}

/** Engine-generated error: `{"error":{"code","message","error_id"?}}` plus optional top-level extras. */
export function errorReply(
  status: number,
  code: string,
  message: string,
  extra: Record<string, unknown> = {},
  withId = status >= 500,
): HttpReply {
  const error: Record<string, unknown> = { code, message };
  const errorId = withId ? nextErrorId() : undefined;
  if (errorId) error.error_id = errorId;
  return {
    status,
    ...(errorId ? { errorId } : {}),
    headers: [['content-type', 'application/json']],
    body: Buffer.from(JSON.stringify({ error, ...extra })),
  };
}

let errorSeq = 0n;

/** A hex timestamp (ns since the epoch), unique within the process so logs can be matched. */
export function nextErrorId(): string {
  errorSeq = (errorSeq + 1n) % 1_000_000n;
  return (BigInt(Date.now()) * 1_000_000n + errorSeq).toString(16);
}

/** A streamed-response control frame (`set_status` / `set_headers`), or undefined when unknown. */
export type ControlFrame = { type: 'set_status'; status_code: number } | { type: 'set_headers'; headers: Array<[string, string]> };

export function parseControlFrame(text: string, log?: Logger): ControlFrame | undefined {
  let msg: unknown;
  try {
    msg = JSON.parse(text);
  } catch {
    return undefined;
  }
  if (!isRecord(msg)) return undefined;
  if (msg.type === 'set_status' && validStatus(msg.status_code)) return { type: 'set_status', status_code: msg.status_code };
  if (msg.type === 'set_headers' && isRecord(msg.headers)) return { type: 'set_headers', headers: headersOf(msg.headers, log) };
  return undefined;
}
