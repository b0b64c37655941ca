/** Map `pg` failures once, where they enter. SQLSTATE codes: https://www.postgresql.org/docs/current/errcodes-appendix.html */
import { EngineError } from '../../../../core/errors/index.ts';
import { redactUrl } from '../../../../util/redact-url.ts';
import { dbError, driverError, invalidParam } from '../../errors.ts';

/** Context the mapping needs to fill POOL_TIMEOUT / QUERY_TIMEOUT / unreachable details. */
export interface PgErrorContext {
  db: string;
  /** The database URL; shown with its password masked when the server cannot be reached. */
  url: string;
  acquireTimeoutMs: number;
  timeoutMs: number;
}

/** Socket failures and SQLSTATEs that mean "the server is not there (now)", not "your SQL is wrong". */
const NETWORK_CODES = new Set([
  'ECONNREFUSED',
  'ECONNRESET',
  'ENOTFOUND',
  'EAI_AGAIN',
  'ETIMEDOUT',
  'EHOSTUNREACH',
  'ENETUNREACH',
  'EPIPE',
]);
const SERVER_GONE = /^(08|57P0[123])/; // connection exceptions; admin/crash shutdown, cannot connect now
const CONNECTION_ENDED = /Connection terminated|connection ended|Client has encountered a connection error/i;

function unreachable(code: string, message: string): boolean {
  return NETWORK_CODES.has(code) || (SERVER_GONE.test(code) && code !== '08P01') || CONNECTION_ENDED.test(message);
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
  if (unreachable(code, message)) {
    // Still DRIVER_ERROR on the wire (the reference's code, which callers match on), tagged so that a caller
    // and a log reader see which service, where, and that a retry may succeed: pg opens a fresh connection
    // per checkout, so the pool recovers by itself once the server is back.
    const url = redactUrl(ctx.url);
    return dbError(
      'DRIVER_ERROR',
      `PostgreSQL at ${url} (database "${ctx.db}") is unreachable: ${message}`,
      {
        driver: 'postgres',
        inner_code: 'E_DB_UNAVAILABLE',
        kind: 'unavailable',
        service: 'PostgreSQL',
        url,
        db: ctx.db,
        cause: code || message,
      },
      err,
    );
  }
  // Wrong number of bound values: the same INVALID_PARAM SQLite reports.
  if (code === PROTOCOL_VIOLATION && /bind message supplies/.test(message)) return invalidParam(null, message);
  return driverError({ driver: 'postgres', innerCode: code || 'PG_ERROR', message, constraint: code.startsWith('23') }, err);
}
