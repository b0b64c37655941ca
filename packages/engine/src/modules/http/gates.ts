/**
 * The stages that may stop a request before its handler (workers.md §1.5, §1.6, §0.2):
 * middleware (`continue` / `respond`) and the route's condition function.
 * Each returns `undefined` to go on, or the reply that ends the request.
 */
import { toErrorBody } from '../../core/errors/index.ts';
import type { EngineApi, InvokeOptions } from '../module.ts';
import type { ConditionPayload, RequestBase } from './request.ts';
import { middlewarePayloadOf } from './request.ts';
import { errorReply, type HttpReply, replyFromResult } from './response.ts';

function isRecord(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

/** The engine's invoke timeout code (module.ts `InvokeOptions.timeoutMs`). */
const INVOKE_TIMEOUT = 'E_INVOKE_TIMEOUT';

export function middlewareTimeoutReply(): HttpReply {
  // The reference sends this 504 without an error_id.
  return errorReply(504, 'MIDDLEWARE_TIMEOUT', 'Middleware timeout', {}, false);
}

/** Run middleware in order; the first `respond` wins. A null result or unknown action continues. */
export async function runMiddleware(
  engine: EngineApi,
  ids: readonly string[],
  base: RequestBase,
  timeoutMs: () => number,
  trace: InvokeOptions = {},
): Promise<HttpReply | undefined> {
  if (ids.length === 0) return undefined;
  const input = middlewarePayloadOf(base);
  for (const id of ids) {
    let result: unknown;
    try {
      result = await engine.invoke(id, input, { ...trace, timeoutMs: Math.max(1, timeoutMs()) });
    } catch (err) {
      const body = toErrorBody(err);
      if (body.code === INVOKE_TIMEOUT) return middlewareTimeoutReply();
      return errorReply(500, body.code, body.message);
    }
    if (isRecord(result) && result.action === 'respond')
      return replyFromResult({ body: {}, ...(isRecord(result.response) ? result.response : {}) });
  }
  return undefined;
}

/** Exactly JSON `false` skips the handler (422); null/absent/anything else passes; an error is a 500. */
export async function runCondition(
  engine: EngineApi,
  id: string | undefined,
  payload: ConditionPayload,
  timeoutMs: () => number,
  trace: InvokeOptions = {},
): Promise<HttpReply | undefined> {
  if (id === undefined) return undefined;
  let result: unknown;
  try {
    result = await engine.invoke(id, payload, { ...trace, timeoutMs: Math.max(1, timeoutMs()) });
  } catch (err) {
    const body = toErrorBody(err);
    return errorReply(500, body.code, body.message);
  }
  if (result === false) return errorReply(422, 'CONDITION_NOT_MET', 'Request condition not met', { skipped: true });
  return undefined;
}
