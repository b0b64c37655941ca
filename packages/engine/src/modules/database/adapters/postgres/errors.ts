/** Map `pg` failures once, where they enter. SQLSTATE codes: https://www.postgresql.org/docs/current/errcodes-appendix.html */
import { EngineError } from '../../../../core/errors/index.ts';
import { dbError, driverError, invalidParam } from '../../errors.ts';

/** Context the mapping needs to fill POOL_TIMEOUT / QUERY_TIMEOUT details. */
export interface PgErrorContext {
  db: string;
  acquireTimeoutMs: number;
  timeoutMs: number;
}

const QUERY_CANCELED = '57014';
const PROTOCOL_VIOLATION = '08P01';

export function mapPgError(err: unknown, ctx: PgErrorContext): EngineError {
  if (err instanceof EngineError) return err;
  const e = err as { code?: unknown; message?: unknown };
  const message = typeof e?.message === 'string' ? e.message : String(err);
  const code = typeof e?.code === 'string' ? e.code : '';
  if (/timeout exceeded when trying to connect|connection timeout/i.test(message)) {
    return dbError(
      'POOL_TIMEOUT',
      `no connection to "${ctx.db}" within ${ctx.acquireTimeoutMs} ms`,
      { db: ctx.db, waited_ms: ctx.acquireTimeoutMs },
      err,
    );
  }
  if (code === QUERY_CANCELED && /statement timeout/i.test(message)) {
    return dbError('QUERY_TIMEOUT', `query on "${ctx.db}" exceeded ${ctx.timeoutMs} ms`, { db: ctx.db, timeout_ms: ctx.timeoutMs }, err);
  }
  // Wrong number of bound values: the same INVALID_PARAM SQLite reports.
  if (code === PROTOCOL_VIOLATION && /bind message supplies/.test(message)) return invalidParam(null, message);
  return driverError({ driver: 'postgres', innerCode: code || 'PG_ERROR', message, constraint: code.startsWith('23') }, err);
}
