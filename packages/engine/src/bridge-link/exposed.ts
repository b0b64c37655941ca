/** Running a function this engine exposes to the backend, and shaping its answer for the wire. */
import { type ErrorBody, toErrorBody } from '../core/errors/index.ts';

export type ExposedHandler = (data: unknown, call: { metadata?: unknown; traceparent?: string; baggage?: string }) => Promise<unknown>;

/** The result, or the error with its own code, message and stacktrace (the iii-sdk would say `invocation_failed`). */
export async function runExposed(
  handler: ExposedHandler | undefined,
  functionId: string,
  m: Record<string, unknown>,
): Promise<{ result?: unknown; error?: ErrorBody }> {
  if (!handler) return { error: { code: 'function_not_found', message: `Function ${functionId} not found` } };
  try {
    return { result: await handler(m.data, pick(m)) };
  } catch (err) {
    return { error: errorWithStack(err) };
  }
}

function pick(m: Record<string, unknown>): { metadata?: unknown; traceparent?: string; baggage?: string } {
  return {
    ...(m.metadata !== undefined ? { metadata: m.metadata } : {}),
    ...(typeof m.traceparent === 'string' ? { traceparent: m.traceparent } : {}),
    ...(typeof m.baggage === 'string' ? { baggage: m.baggage } : {}),
  };
}

function errorWithStack(err: unknown): ErrorBody {
  const body = toErrorBody(err);
  const stack = (err as { details?: { stacktrace?: unknown } } | undefined)?.details?.stacktrace;
  return typeof stack === 'string' && body.stacktrace === undefined ? { ...body, stacktrace: stack } : body;
}
