/**
 * `database::*` functions. Each has a request schema (rendered by `iii trigger database::query --help`)
 * and validates its input with it; results use the reference's snake_case shapes (workers.md §3.2).
 */

import { z } from 'zod';
import { EngineError } from '../../core/errors/index.ts';
import type { Logger } from '../../util/logger.ts';
import { defineFunction } from '../define-function.ts';
import type { LocalFunction } from '../module.ts';
import type { ExecResult } from './adapters/sql-driver.ts';
import { ISOLATION_LEVELS, parseIsolation, runsStronger } from './isolation.ts';
import { normalizeParams } from './params.ts';
import type { DatabasePools } from './pools.ts';
import { queryRecordingWrites } from './query-writes.ts';
import { appendReturning, checkStatement } from './sql-text.ts';
import type { RowChangeHook } from './triggers.ts';

/** @default 30000 — the reference's default statement timeout. */
export const DEFAULT_QUERY_TIMEOUT_MS = 30_000;

export const db = z.string().optional().describe('database name from config/database.yaml (default: the only one, else "primary")');
export const sql = z.string().describe('one SQL statement; placeholders `?` (SQLite, PostgreSQL, MySQL) or `$1`.. (PostgreSQL)');
/**
 * A union (array | JSON string) renders as `anyOf`; the explicit `type` makes
 * `iii trigger database::query --help` show `array|string` instead of `any`.
 */
export const params = z
  .union([z.array(z.unknown()), z.string()])
  .optional()
  .describe('positional parameters: an array, or a JSON string holding one')
  .meta({ type: ['array', 'string'] });
export const timeoutMs = z
  .int()
  .min(1)
  .default(DEFAULT_QUERY_TIMEOUT_MS)
  .describe('end the statement with QUERY_TIMEOUT after this many ms (every driver)');

export const queryInput = z.looseObject({ db, sql, params, timeout_ms: timeoutMs });
export const executeInput = z.looseObject({
  db,
  sql,
  params,
  returning: z.array(z.string().min(1)).optional().describe('columns to return (appends RETURNING; `*` for all)'),
  timeout_ms: timeoutMs,
});
/** A string checked per driver in the handler (isolation.ts), so a bad level is INVALID_PARAM, not a schema error. */
export const isolation = z
  .string()
  .optional()
  .describe(`transaction isolation: ${ISOLATION_LEVELS.join(' | ')} (per driver; default: the server's)`);

export const transactionInput = z.looseObject({
  db,
  statements: z.array(z.looseObject({ sql, params })).describe('statements run atomically, in order'),
  isolation,
  timeout_ms: timeoutMs,
});

export function execBody(r: ExecResult): { affected_rows: number; last_insert_id: string | null; returned_rows: unknown[] } {
  return { affected_rows: r.affectedRows, last_insert_id: r.lastInsertId, returned_rows: r.returnedRows };
}

/** A batch statement's result as the reference reports it: positional rows. */
function batchResult(r: ExecResult): { affected_rows: number; rows: unknown[][] } {
  return { affected_rows: r.affectedRows, rows: r.returnedRows.map((row) => Object.values(row)) };
}

/**
 * The reference *returns* a failed batch (after rolling back) instead of throwing: the tagged error, and
 * `failed_index` when a statement is to blame (absent for UNKNOWN_DB, POOL_TIMEOUT, a failed BEGIN).
 */
function notCommitted(err: unknown): { committed: false; failed_index?: number; error: Record<string, unknown> } {
  if (!(err instanceof EngineError) || !err.details) throw err;
  const failed = err.details.failed_index;
  return { committed: false, ...(typeof failed === 'number' ? { failed_index: failed } : {}), error: err.details };
}

export interface FunctionDeps {
  pools: DatabasePools;
  /** Called once a write has committed (database::row-changed). */
  changes: RowChangeHook;
  log: Logger;
}

export function databaseFunctions({ pools, changes, log }: FunctionDeps): LocalFunction[] {
  /** Databases already told that SQLite runs every transaction serializable (said once each). */
  const warnedStronger = new Set<string>();
  return [
    defineFunction({
      id: 'database::query',
      description: 'Run a SQL query and return its rows: { columns: [{name, type}], row_count, rows }',
      input: queryInput,
      handler: async (q) => {
        const name = pools.resolve(q.db);
        const bound = normalizeParams(q.params);
        return queryRecordingWrites(pools.get(name), q.sql, bound, { timeoutMs: q.timeout_ms }, changes.watches(name), (w) =>
          changes.committed(name, [w]),
        );
      },
    }),
    defineFunction({
      id: 'database::execute',
      description: 'Run a SQL statement for its effect: { affected_rows, last_insert_id, returned_rows }',
      input: executeInput,
      handler: async (q) => {
        const name = pools.resolve(q.db);
        const driver = pools.get(name);
        checkStatement(q.sql, driver.dialect);
        const bound = normalizeParams(q.params);
        const text = appendReturning(q.sql, q.returning ?? [], driver.dialect);
        const result = await driver.execute(text, bound, { timeoutMs: q.timeout_ms });
        changes.committed(name, [{ sql: text, result }]);
        return execBody(result);
      },
    }),
    defineFunction({
      id: 'database::transaction',
      description:
        'Run statements atomically (all or nothing); returns { committed: true, results: [{ affected_rows, rows }] } or { committed: false, failed_index?, error }',
      input: transactionInput,
      handler: async (q) => {
        try {
          const name = pools.resolve(q.db);
          const driver = pools.get(name);
          const level = parseIsolation(q.isolation, driver.dialect);
          if (runsStronger(driver.dialect, level) && !warnedStronger.has(name)) {
            warnedStronger.add(name);
            log.warn(`database "${name}" is SQLite: transactions run serializable (asked: ${level})`);
          }
          const statements = q.statements.map((st) => ({ sql: st.sql, params: normalizeParams(st.params) }));
          const results = await driver.transaction(statements, { timeoutMs: q.timeout_ms, ...(level ? { isolation: level } : {}) });
          changes.committed(
            name,
            statements.map((st, i) => ({ sql: st.sql, result: results[i] as ExecResult })),
          );
          return { committed: true, results: results.map(batchResult) };
        } catch (err) {
          return notCommitted(err);
        }
      },
    }),
    defineFunction({
      id: 'database::listDatabases',
      description: 'List the configured databases: { databases: [{ name, driver, url }] } (passwords masked)',
      input: z.looseObject({}),
      handler: () => ({ databases: pools.list() }),
    }),
  ];
}
