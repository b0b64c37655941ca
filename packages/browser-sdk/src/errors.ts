/**
 * Failed calls reject with an `Error` that carries the engine's `code` (the official browser SDK rejects
 * with the plain `{code, message}` object; an `Error` keeps `.code` and `.message` and adds a stack and
 * `instanceof Error`).
 */
import type { ErrorBody } from './protocol.ts';

export class InvocationError extends Error {
  readonly code: string;
  readonly stacktrace?: string;
  readonly function_id?: string;

  constructor(code: string, message: string, extra: { stacktrace?: string; function_id?: string } = {}) {
    super(message);
    this.name = 'InvocationError';
    this.code = code;
    if (extra.stacktrace !== undefined) this.stacktrace = extra.stacktrace;
    if (extra.function_id !== undefined) this.function_id = extra.function_id;
  }
}

/** An engine error body as an `InvocationError`; a body without string code/message gets code UNKNOWN. */
export function fromErrorBody(body: unknown, functionId?: string): InvocationError {
  const b = (typeof body === 'object' && body !== null ? body : {}) as Partial<ErrorBody>;
  const code = typeof b.code === 'string' ? b.code : 'UNKNOWN';
  const message = typeof b.message === 'string' ? b.message : JSON.stringify(body);
  return new InvocationError(code, message, {
    ...(typeof b.stacktrace === 'string' ? { stacktrace: b.stacktrace } : {}),
    ...(functionId !== undefined ? { function_id: functionId } : {}),
  });
}

/** What a throwing handler sends back (protocol.md §2.4): `invocation_failed` with message and stack. */
export function toErrorBody(err: unknown): ErrorBody {
  if (err instanceof Error) return { code: 'invocation_failed', message: err.message, ...(err.stack ? { stacktrace: err.stack } : {}) };
  return { code: 'invocation_failed', message: String(err) };
}
