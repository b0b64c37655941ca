/**
 * The one error type CLI commands throw. It is an `EngineError` (same code catalogue, same
 * `E_<AREA>_<WHAT>` spelling) plus an optional `hint`: the next thing the user should try.
 *
 * @example
 * throw new CliError('E_CLI_BAD_ARGS', 'expected key=value, got `foo`', 'quote values that contain spaces');
 */
import { EngineError, type ErrorCode, type LogFormat } from '@triad/engine';

export class CliError extends EngineError {
  readonly hint: string | undefined;
  /** `json` once a command runs with `--log-format json`: the error is printed as a JSON log record. */
  logFormat: LogFormat | undefined;

  constructor(code: ErrorCode | (string & {}), message: string, hint?: string, options?: { cause?: unknown }) {
    super(code, message, options);
    this.hint = hint;
  }
}

/** Map anything thrown by a command to a CliError, once, at the edge (main.ts). */
export function toCliError(err: unknown): CliError {
  if (err instanceof CliError) return err;
  if (err instanceof EngineError) return new CliError(err.code, err.message);
  if (err instanceof Error) return new CliError('E_INTERNAL', err.message, undefined, { cause: err });
  return new CliError('E_INTERNAL', String(err));
}
