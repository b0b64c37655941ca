/**
 * `database::*` functions. Each has a request schema (rendered by `iii trigger database::query --help`)
 * and validates its input with it; results use the reference's snake_case shapes (workers.md §3.2).
 */

import { type JsonSchema, type Schema, s } from '../../core/config/schema.ts';
import { parseInput } from '../../core/input.ts';
import type { LocalFunction } from '../module.ts';
import type { ExecResult } from './adapters/sql-driver.ts';
import { normalizeParams } from './params.ts';
import type { DatabasePools } from './pools.ts';
import { appendReturning, checkStatement } from './sql-text.ts';

/** @default 30000 — the reference's default statement timeout. */
export const DEFAULT_QUERY_TIMEOUT_MS = 30_000;

const db = s.string().optional().describe('database name from config/database.yaml (default: the only one, else "primary")');
const sql = s.string().describe('one SQL statement; placeholders `?` (SQLite, PostgreSQL) or `$1`.. (PostgreSQL)');
const params = s
  .union<unknown>(s.array(s.any()), s.string())
  .optional()
  .describe('positional parameters: an array, or a JSON string holding one');
const timeoutMs = s.integer().min(1).default(DEFAULT_QUERY_TIMEOUT_MS).describe('cancel the statement after this many ms (PostgreSQL)');

export const queryInput = s.looseObject({ db, sql, params, timeout_ms: timeoutMs });
export const executeInput = s.looseObject({
  db,
  sql,
  params,
  returning: s.array(s.string().nonEmpty()).optional().describe('columns to return (appends RETURNING; `*` for all)'),
  timeout_ms: timeoutMs,
});
export const transactionInput = s.looseObject({
  db,
  statements: s.array(s.looseObject({ sql, params })).describe('statements run atomically, in order'),
  timeout_ms: timeoutMs,
});

/**
 * `params` is a union (array | JSON string), which JSON Schema renders as `anyOf`; give it a `type`
 * too so `iii trigger database::query --help` shows `array|string` instead of `any`.
 */
function requestSchema(schema: Schema<unknown>): JsonSchema {
  const json = schema.toJSONSchema() as { properties?: Record<string, JsonSchema> };
  if (json.properties?.params) json.properties.params = { type: ['array', 'string'], ...json.properties.params };
  return json;
}

function execBody(r: ExecResult): { affected_rows: number; last_insert_id: string | null; returned_rows: unknown[] } {
  return { affected_rows: r.affectedRows, last_insert_id: r.lastInsertId, returned_rows: r.returnedRows };
}

export function databaseFunctions(pools: DatabasePools): LocalFunction[] {
  return [
    {
      id: 'database::query',
      description: 'Run a SQL query and return its rows: { columns: [{name, type}], row_count, rows }',
      request_format: requestSchema(queryInput),
      handler: async (input) => {
        const q = parseInput(queryInput, input, 'database::query');
        const bound = normalizeParams(q.params);
        const r = await pools.get(q.db).query(q.sql, bound, { timeoutMs: q.timeout_ms });
        return { columns: r.columns, row_count: r.rows.length, rows: r.rows };
      },
    },
    {
      id: 'database::execute',
      description: 'Run a SQL statement for its effect: { affected_rows, last_insert_id, returned_rows }',
      request_format: requestSchema(executeInput),
      handler: async (input) => {
        const q = parseInput(executeInput, input, 'database::execute');
        checkStatement(q.sql);
        const bound = normalizeParams(q.params);
        return execBody(await pools.get(q.db).execute(appendReturning(q.sql, q.returning ?? []), bound, { timeoutMs: q.timeout_ms }));
      },
    },
    {
      id: 'database::transaction',
      description: 'Run statements atomically (all or nothing): { results: [{ affected_rows, last_insert_id, returned_rows }] }',
      request_format: requestSchema(transactionInput),
      handler: async (input) => {
        const q = parseInput(transactionInput, input, 'database::transaction');
        const statements = q.statements.map((st) => ({ sql: st.sql, params: normalizeParams(st.params) }));
        const results = await pools.get(q.db).transaction(statements, { timeoutMs: q.timeout_ms });
        return { results: results.map(execBody) };
      },
    },
    {
      id: 'database::listDatabases',
      description: 'List the configured databases: { databases: [{ name, driver, url }] } (passwords masked)',
      request_format: s.looseObject({}).toJSONSchema(),
      handler: () => ({ databases: pools.list() }),
    },
  ];
}
