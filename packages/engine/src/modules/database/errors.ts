/**
 * Database errors, shaped like the reference `database` worker (workers.md §3.3): the error `code` is
 * the stable tag (`DRIVER_ERROR`, `UNKNOWN_DB`, ...) and the `message` is the JSON of the tagged
 * object, so an SDK caller gets every field through the wire (which carries only code + message):
 *
 * @example
 * // err.code === 'DRIVER_ERROR'
 * // JSON.parse(err.message) → { code: 'DRIVER_ERROR', driver: 'sqlite', inner_code: 'SQLITE_CONSTRAINT_PRIMARYKEY',
 * //                             kind: 'constraint_violation', message: 'UNIQUE constraint failed: links.code' }
 *
 * `kind: 'constraint_violation'` is a Triad addition so callers (Linkly's 409) need not know every dialect's codes.
 */
import { EngineError } from '../../core/errors/index.ts';
import type { SqlDialect } from './adapters/sql-driver.ts';

export type DbErrorCode =
  | 'UNKNOWN_DB'
  | 'MISSING_DB'
  | 'POOL_TIMEOUT'
  | 'QUERY_TIMEOUT'
  | 'INVALID_PARAM'
  | 'DRIVER_ERROR'
  | 'CONFIG_ERROR'
  | 'UNSUPPORTED'
  | 'TRANSACTION_NOT_FOUND'
  | 'STATEMENT_NOT_FOUND';

/** Build the coded error; `fields` become both `details` and the JSON message. */
export function dbError(code: DbErrorCode, message: string, fields: Record<string, unknown> = {}, cause?: unknown): EngineError {
  const details = { code, ...fields, message };
  return new EngineError(code, JSON.stringify(details), { details, cause });
}

export function unknownDb(db: string, available: readonly string[]): EngineError {
  return dbError('UNKNOWN_DB', `unknown database "${db}"; available: ${available.join(', ') || '(none)'}`, {
    db,
    available: [...available],
  });
}

export function invalidParam(index: number | null, reason: string): EngineError {
  return dbError('INVALID_PARAM', reason, { index, reason });
}

export interface DriverErrorInfo {
  driver: SqlDialect;
  innerCode: string;
  message: string;
  constraint: boolean;
  failedIndex?: number;
}

export function driverError(info: DriverErrorInfo, cause?: unknown): EngineError {
  return dbError(
    'DRIVER_ERROR',
    info.message,
    {
      driver: info.driver,
      inner_code: info.innerCode,
      ...(info.constraint ? { kind: 'constraint_violation' } : {}),
      ...(info.failedIndex === undefined ? {} : { failed_index: info.failedIndex }),
    },
    cause,
  );
}

/** Empty or whitespace/comment-only SQL: the reference's `DRIVER_ERROR` "empty SQL", raised before a connection is taken. */
export function emptySql(driver: SqlDialect, index: number | null): EngineError {
  return driverError({
    driver,
    innerCode: 'EMPTY_SQL',
    message: 'empty SQL',
    constraint: false,
    ...(index === null ? {} : { failedIndex: index }),
  });
}

/** Re-tag an error raised inside a transaction with the index of the statement that failed. */
export function withFailedIndex(err: unknown, index: number): unknown {
  if (!(err instanceof EngineError) || err.code !== 'DRIVER_ERROR' || !err.details) return err;
  const details = { ...err.details, failed_index: index };
  return new EngineError(err.code, JSON.stringify(details), { details, cause: err.cause });
}

/** True when `err` is a DRIVER_ERROR caused by a constraint (duplicate key, foreign key, NOT NULL, CHECK). */
export function isConstraintViolation(err: unknown): boolean {
  return err instanceof EngineError && err.code === 'DRIVER_ERROR' && err.details?.kind === 'constraint_violation';
}
