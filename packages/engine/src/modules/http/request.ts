/**
 * The request side of workers.md §1.3: the URL split, single-valued query params, lower-cased
 * headers, and the payload shapes handed to handlers, conditions and middleware.
 */
import { isUtf8 } from 'node:buffer';
import type { IncomingHttpHeaders } from 'node:http';
import type { ChannelRef } from '../module.ts';
import type { ParsedBody } from './body.ts';

/** What the trigger type stores per route (the router's value). */
export interface RouteTarget {
  triggerId: string;
  functionId: string;
  /** Registered pattern with a leading `/`. */
  path: string;
  method: string;
  conditionFunctionId?: string;
  middlewareFunctionIds: string[];
  metadata?: unknown;
}

/** Single string per key; a repeated key keeps the last value. */
export function queryParamsOf(query: string): Record<string, string> {
  const out: Record<string, string> = {};
  if (query === '') return out;
  for (const [k, v] of new URLSearchParams(query)) out[k] = v;
  return out;
}

/** Node already lower-cases names; repeated headers (set-cookie) are joined with `, `. */
export function headersOf(headers: IncomingHttpHeaders): Record<string, string> {
  const out: Record<string, string> = {};
  // for…in rather than Object.entries: no array of pairs per request (Node's headers object is plain).
  for (const k in headers) {
    const v = headers[k];
    if (typeof v === 'string') out[k] = utf8Value(v);
    else if (Array.isArray(v)) out[k] = utf8Value(v.join(', '));
  }
  return out;
}

// biome-ignore lint/suspicious/noControlCharactersInRegex: the range starts at NUL on purpose (every non-ASCII byte)
const NON_ASCII = /[^\x00-\x7f]/;

/**
 * Node reads header bytes as latin1. UTF-8 values are decoded properly (the reference turns every
 * non-ASCII value into ""); bytes that are not UTF-8 become "" as in the reference.
 */
function utf8Value(v: string): string {
  if (!NON_ASCII.test(v)) return v;
  const bytes = Buffer.from(v, 'latin1');
  return isUtf8(bytes) ? bytes.toString('utf8') : '';
}

/** The part of the request every stage sees (middleware gets exactly these four fields). */
export interface RequestBase {
  path_params: Record<string, string>;
  query_params: Record<string, string>;
  headers: Record<string, string>;
  method: string;
}

/** The payload of condition functions: the handler payload without the channel refs. */
export type ConditionPayload = RequestBase &
  ParsedBody & {
    path: string;
    trigger: { type: 'http'; path: string; method: string };
  };

export type HandlerPayload = ConditionPayload & { request_body: ChannelRef; response: ChannelRef };

export function conditionPayloadOf(base: RequestBase, target: RouteTarget, parsed: ParsedBody): ConditionPayload {
  return {
    query_params: base.query_params,
    path_params: base.path_params,
    headers: base.headers,
    path: target.path,
    method: base.method,
    ...parsed,
    trigger: { type: 'http', path: target.path, method: target.method },
  };
}

/** The handler's payload: the condition's, with the two channel refs added last (key order as in workers.md §1.3). */
export function handlerPayloadOf(
  base: RequestBase,
  target: RouteTarget,
  parsed: ParsedBody,
  requestBody: ChannelRef,
  response: ChannelRef,
): HandlerPayload {
  // Added in place rather than spread into a copy: one object per request.
  const payload = conditionPayloadOf(base, target, parsed) as HandlerPayload;
  payload.request_body = requestBody;
  payload.response = response;
  return payload;
}

export function middlewarePayloadOf(base: RequestBase): { phase: 'preHandler'; request: RequestBase; context: Record<string, never> } {
  return { phase: 'preHandler', request: base, context: {} };
}
