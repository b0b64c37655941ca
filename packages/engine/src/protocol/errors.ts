/**
 * The error shape on the wire (`invocationresult.error`, `triggerregistrationresult.error`, `error`
 * frames; protocol.md §2.14). It lives here, at the bottom, because every layer speaks it: the codec
 * decodes it, the core produces it (`EngineError.toBody()`), modules and the CLI render it.
 */
export interface ErrorBody {
  code: string;
  message: string;
  stacktrace?: string;
}

export function isErrorBody(v: unknown): v is ErrorBody {
  return (
    typeof v === 'object' &&
    v !== null &&
    typeof (v as { code?: unknown }).code === 'string' &&
    typeof (v as { message?: unknown }).message === 'string'
  );
}
