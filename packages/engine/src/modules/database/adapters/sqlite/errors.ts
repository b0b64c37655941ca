/** Map better-sqlite3 failures once, where they enter (SqliteError codes are SQLITE_<PRIMARY>[_<EXTENDED>]). */
import { EngineError } from '../../../../core/errors/index.ts';
import { driverError, invalidParam } from '../../errors.ts';

/** Binding problems better-sqlite3 reports as RangeError / TypeError (wrong count, unbindable value). */
const PARAM_PROBLEM = /parameter|bind|more than one statement/i;

export function mapSqliteError(err: unknown): EngineError {
  if (err instanceof EngineError) return err;
  const e = err as { code?: unknown; message?: unknown };
  const message = typeof e?.message === 'string' ? e.message : String(err);
  if ((err instanceof RangeError || err instanceof TypeError) && PARAM_PROBLEM.test(message)) return invalidParam(null, message);
  const code = typeof e?.code === 'string' ? e.code : 'SQLITE_ERROR';
  return driverError({ driver: 'sqlite', innerCode: code, message, constraint: code.startsWith('SQLITE_CONSTRAINT') }, err);
}
