/**
 * `auth_function` at upgrade (protocol.md §8.1): called with `{headers, path, query_params, addr}`; its
 * `{context}` is attached to the connection. Auth never rejects a connection (reference behaviour): a
 * failure, an empty or an unparsable answer just means "no context". Rejection is per join.
 */

import type { IncomingMessage } from 'node:http';
import { z } from 'zod';
import { check } from '../../core/config/schema.ts';
import type { Logger } from '../../util/logger.ts';
import type { EngineApi } from '../module.ts';

const AUTH_TIMEOUT_MS = 10_000;
const authResult = z.looseObject({ context: z.unknown().optional() });

export interface AuthInput {
  headers: Record<string, string>;
  path: string;
  query_params: Record<string, string[]>;
  addr: string;
}

/** Query values are kept as sent (not percent-decoded), like the reference. */
export function authInput(req: IncomingMessage): AuthInput {
  const url = req.url ?? '/';
  const q = url.indexOf('?');
  const path = q === -1 ? url : url.slice(0, q);
  const query_params: Record<string, string[]> = {};
  if (q !== -1) {
    for (const part of url.slice(q + 1).split('&')) {
      if (part === '') continue;
      const eq = part.indexOf('=');
      const key = eq === -1 ? part : part.slice(0, eq);
      const value = eq === -1 ? '' : part.slice(eq + 1);
      query_params[key] ??= [];
      query_params[key].push(value);
    }
  }
  const headers: Record<string, string> = {};
  for (const [k, v] of Object.entries(req.headers)) if (v !== undefined) headers[k] = Array.isArray(v) ? v.join(', ') : v;
  const addr = `${req.socket.remoteAddress ?? ''}:${req.socket.remotePort ?? 0}`;
  return { headers, path, query_params, addr };
}

export async function authenticate(engine: EngineApi, fnId: string | undefined, req: IncomingMessage, log: Logger): Promise<unknown> {
  if (!fnId) return null;
  try {
    const r = check(authResult, await engine.invoke(fnId, authInput(req), { timeoutMs: AUTH_TIMEOUT_MS }));
    return r.ok ? (r.value.context ?? null) : null;
  } catch (err) {
    log.warn('stream auth_function failed; connecting without context', { auth_function: fnId, error: String(err) });
    return null;
  }
}
