/**
 * `database::query`, `database::runStatement` and `database::transactionQuery` answer rows, yet their SQL may
 * be a write. While a `database::row-changed` trigger watches the database, such a write runs so that its row
 * count is known, and is handed to `record` (announced at once by the autocommitting calls, held until COMMIT
 * by a transaction handle); the envelope is unchanged. Nothing watches → the plain query, the SQL unread.
 */
import type { QueryOptions, SqlDriver, SqlParam, SqlRow } from './adapters/sql-driver.ts';
import type { CommittedWrite } from './triggers.ts';
import { writeTarget } from './write-target.ts';

export interface QueryBody {
  columns: { name: string; type: string }[];
  row_count: number;
  rows: SqlRow[];
}

/**
 * Rough but safe-sided: a write whose text mentions RETURNING runs as a query (typed columns; one returned row
 * per changed row); one that does not runs as an execute (for the count). A RETURNING inside a string literal
 * only means that run's count is read from its (empty) rows, i.e. it is not announced.
 */
const RETURNING = /\bRETURNING\b/i;

/** A pooled driver or an open transaction: both run statements. */
type Runner = Pick<SqlDriver, 'query' | 'execute'>;

export async function queryRecordingWrites(
  runner: Runner,
  sql: string,
  params: readonly SqlParam[],
  opts: QueryOptions,
  /** Record writes at all (a binding watches this database). */
  watched: boolean,
  record: (write: CommittedWrite) => void,
): Promise<QueryBody> {
  const write = watched && writeTarget(sql) !== undefined;
  if (write && !RETURNING.test(sql)) {
    const result = await runner.execute(sql, params, opts);
    record({ sql, result });
    return { columns: [], row_count: 0, rows: [] };
  }
  const r = await runner.query(sql, params, opts);
  if (write) record({ sql, result: { affectedRows: r.rows.length, lastInsertId: null, returnedRows: r.rows } });
  return { columns: r.columns, row_count: r.rows.length, rows: r.rows };
}
