/**
 * The `sql` service: how other modules (e.g. `queue` storing jobs) use the configured databases
 * without importing this module. Look the driver up per use: a hot reload may replace it.
 *
 * @example
 * const sql = ctx.engine.services.get('sql');
 * await sql?.get('primary').execute('INSERT INTO jobs (id, body) VALUES (?, ?)', [id, body]);
 */
import type { SqlDriver } from './adapters/sql-driver.ts';
import type { DatabaseInfo } from './pools.ts';

export type { ExecResult, QueryResult, SqlDriver, SqlParam, SqlStatement } from './adapters/sql-driver.ts';
export { isConstraintViolation } from './errors.ts';

export interface SqlService {
  /** The driver of a database (default: the only one, else `primary`); throws UNKNOWN_DB / MISSING_DB. */
  get(db?: string): SqlDriver;
  list(): DatabaseInfo[];
}

declare module '../module.ts' {
  interface Services {
    sql: SqlService;
  }
}
