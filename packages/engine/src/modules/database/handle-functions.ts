/**
 * The reference's handle functions (workers.md §3.2): `database::beginTransaction`, `transactionQuery`,
 * `transactionExecute`, `commitTransaction`, `rollbackTransaction`, `prepareStatement`, `runStatement`.
 * The caller's worker id (CallInfo.callerWorkerId) owns what it creates; handles.ts keeps them.
 */
import { z } from 'zod';
import { defineFunction } from '../define-function.ts';
import type { LocalFunction } from '../module.ts';
import { invalidParam } from './errors.ts';
import { db, execBody, isolation, params, sql, timeoutMs } from './functions.ts';
import { type Handles, STATEMENT_DEFAULT_S, TRANSACTION_DEFAULT_MS } from './handles.ts';
import { parseIsolation } from './isolation.ts';
import { normalizeParams } from './params.ts';
import type { DatabasePools } from './pools.ts';
import { queryRecordingWrites } from './query-writes.ts';
import { appendReturning, checkStatement } from './sql-text.ts';
import type { RowChangeHook } from './triggers.ts';

const transactionId = z.string().describe('the id from database::beginTransaction');

const beginInput = z.looseObject({
  db,
  isolation,
  timeout_ms: z
    .int()
    .min(1)
    .default(TRANSACTION_DEFAULT_MS)
    .describe('lifetime of the transaction, then an automatic ROLLBACK (at most 300000)'),
});
const txQueryInput = z.looseObject({ transaction_id: transactionId, sql, params, timeout_ms: timeoutMs });
const txExecuteInput = z.looseObject({
  transaction_id: transactionId,
  sql,
  params,
  returning: z.array(z.string().min(1)).optional().describe('columns to return (appends RETURNING; `*` for all)'),
  timeout_ms: timeoutMs,
});
const txEndInput = z.looseObject({ transaction_id: transactionId });
const prepareInput = z.looseObject({
  db,
  sql,
  ttl_seconds: z.int().min(1).default(STATEMENT_DEFAULT_S).describe('lifetime of the handle (at most 86400)'),
});
const runInput = z.looseObject({ handle_id: z.string().describe('the id from database::prepareStatement'), params, timeout_ms: timeoutMs });

/** `SET TRANSACTION …` would change the open transaction behind the handle's back (BEGIN, COMMIT, … are caught by checkStatement). */
function refuseTransactionControl(text: string, dialect: Parameters<typeof checkStatement>[1]): void {
  checkStatement(text, dialect);
  if (/^\s*SET\s+(SESSION\s+|LOCAL\s+)?TRANSACTION\b/i.test(text)) {
    throw invalidParam(null, 'transaction control statements (SET TRANSACTION) are not allowed in a transaction handle');
  }
}

export function handleFunctions(pools: DatabasePools, handles: Handles, changes: RowChangeHook): LocalFunction[] {
  return [
    defineFunction({
      id: 'database::beginTransaction',
      description: 'Open an interactive transaction: { transaction: { id, expires_at } }',
      input: beginInput,
      handler: async (q, call) => {
        const name = pools.resolve(q.db);
        const driver = pools.get(name);
        const level = parseIsolation(q.isolation, driver.dialect);
        const ref = await handles.begin(name, driver, call.callerWorkerId, {
          timeoutMs: q.timeout_ms,
          ...(level ? { isolation: level } : {}),
        });
        return { transaction: ref };
      },
    }),
    defineFunction({
      id: 'database::transactionQuery',
      description: 'Run a query inside a transaction: { columns, row_count, rows }',
      input: txQueryInput,
      handler: async (q, call) => {
        const bound = normalizeParams(q.params);
        return handles.run(q.transaction_id, call.callerWorkerId, async (tx, e) => {
          refuseTransactionControl(q.sql, pools.get(e.db).dialect);
          // A write sent as a query is held for the commit like transactionExecute's.
          return queryRecordingWrites(tx, q.sql, bound, { timeoutMs: q.timeout_ms }, changes.watches(e.db), (w) =>
            handles.recordWrite(e, w),
          );
        });
      },
    }),
    defineFunction({
      id: 'database::transactionExecute',
      description: 'Run a statement inside a transaction: { affected_rows, last_insert_id, returned_rows }',
      input: txExecuteInput,
      handler: async (q, call) => {
        const bound = normalizeParams(q.params);
        return handles.run(q.transaction_id, call.callerWorkerId, async (tx, e) => {
          const dialect = pools.get(e.db).dialect;
          refuseTransactionControl(q.sql, dialect);
          const text = appendReturning(q.sql, q.returning ?? [], dialect);
          const result = await tx.execute(text, bound, { timeoutMs: q.timeout_ms });
          handles.recordWrite(e, { sql: text, result });
          return execBody(result);
        });
      },
    }),
    defineFunction({
      id: 'database::commitTransaction',
      description: 'Commit an interactive transaction: { committed: true }',
      input: txEndInput,
      handler: async (q, call) => {
        await handles.commit(q.transaction_id, call.callerWorkerId);
        return { committed: true };
      },
    }),
    defineFunction({
      id: 'database::rollbackTransaction',
      description: 'Roll back an interactive transaction: { rolled_back: true }',
      input: txEndInput,
      handler: async (q, call) => {
        await handles.rollback(q.transaction_id, call.callerWorkerId);
        return { rolled_back: true };
      },
    }),
    defineFunction({
      id: 'database::prepareStatement',
      description: 'Keep a checked statement for repeated runs: { handle: { id, expires_at } }',
      input: prepareInput,
      handler: async (q, call) => {
        const name = pools.resolve(q.db);
        checkStatement(q.sql, pools.get(name).dialect);
        return { handle: handles.prepare(name, q.sql, call.callerWorkerId, q.ttl_seconds) };
      },
    }),
    defineFunction({
      id: 'database::runStatement',
      description: 'Run a prepared statement: { columns, row_count, rows }',
      input: runInput,
      handler: async (q, call) => {
        const st = handles.statement(q.handle_id, call.callerWorkerId);
        const bound = normalizeParams(q.params);
        // A prepared write is announced to database::row-changed like any pooled write (it autocommits).
        return queryRecordingWrites(pools.get(st.db), st.sql, bound, { timeoutMs: q.timeout_ms }, changes.watches(st.db), (w) =>
          changes.committed(st.db, [w]),
        );
      },
    }),
  ];
}
