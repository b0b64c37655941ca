import { type ErrorBody, isErrorBody } from '../../protocol/errors.ts';
import type { ErrorCode } from './codes.ts';

export { type ErrorBody, isErrorBody };

/**
 * The one error class the engine throws. `code` is a stable string from the catalogue
 * (or a module's own documented code, e.g. `STREAM_SET_ERROR`); `details` carries structured fields.
 */
export class EngineError extends Error {
  override readonly name = 'EngineError';
  readonly code: string;
  readonly details: Record<string, unknown> | undefined;
  /** Extra string fields sent with the wire error body (e.g. `bridge_error`'s `remote_code`). */
  readonly wire: Record<string, string> | undefined;

  constructor(
    code: ErrorCode | (string & {}),
    message: string,
    options?: { cause?: unknown; details?: Record<string, unknown>; wire?: Record<string, string> },
  ) {
    super(message, options?.cause === undefined ? undefined : { cause: options.cause });
    this.code = code;
    this.details = options?.details;
    this.wire = options?.wire;
  }

  toBody(): ErrorBody {
    return this.wire ? { ...this.wire, code: this.code, message: this.message } : { code: this.code, message: this.message };
  }
}

/** Map anything thrown into a wire error body, once, where it leaves the engine. */
export function toErrorBody(err: unknown): ErrorBody {
  if (err instanceof EngineError) return err.toBody();
  if (isErrorBody(err))
    return { code: err.code, message: err.message, ...(typeof err.stacktrace === 'string' ? { stacktrace: err.stacktrace } : {}) };
  if (err instanceof Error) return { code: 'E_INTERNAL', message: err.message };
  return { code: 'E_INTERNAL', message: String(err) };
}
