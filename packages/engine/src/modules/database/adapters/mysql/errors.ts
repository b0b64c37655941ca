/** Map `mysql2` failures once, where they enter. Server error numbers: https://mariadb.com/kb/en/mariadb-error-code-reference/ */
import { EngineError } from '../../../../core/errors/index.ts';
import { dbError, driverError, invalidParam } from '../../errors.ts';

export interface MyErrorContext {
  db: string;
  timeoutMs: number;
}

/** MariaDB max_statement_time / MySQL max_execution_time exceeded. */
const TIMEOUT_ERRNOS = new Set([1969, 3024]);
/** ER_WRONG_ARGUMENTS: the number of bound values does not match the placeholders. */
const WRONG_ARGUMENTS = 1210;

export function mapMysqlError(err: unknown, ctx: MyErrorContext): EngineError {
  if (err instanceof EngineError) return err;
  const e = err as { code?: unknown; errno?: unknown; sqlState?: unknown; message?: unknown };
  const message = typeof e?.message === 'string' ? e.message : String(err);
  const errno = typeof e?.errno === 'number' ? e.errno : 0;
  if (TIMEOUT_ERRNOS.has(errno)) {
    return dbError('QUERY_TIMEOUT', `query on "${ctx.db}" exceeded ${ctx.timeoutMs} ms`, { db: ctx.db, timeout_ms: ctx.timeoutMs }, err);
  }
  if (errno === WRONG_ARGUMENTS || /Bind parameters must not contain undefined/.test(message)) return invalidParam(null, message);
  // SQLSTATE like the reference (sqlx reports it as the code); the client-side code (ECONNREFUSED...) otherwise.
  const sqlState = typeof e?.sqlState === 'string' ? e.sqlState : '';
  const innerCode = sqlState || (typeof e?.code === 'string' ? e.code : 'MYSQL_ERROR');
  return driverError({ driver: 'mysql', innerCode, message, constraint: sqlState.startsWith('23') }, err);
}
