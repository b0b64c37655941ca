import assert from 'node:assert/strict';
import { it } from 'node:test';
import { createHandlers, DB, type Dialect, UPSERT_DAY, UPSERT_DAY_MYSQL } from '../src/handlers.ts';

/** Count one created link at `at` and return the calls the handler made. */
async function countAt(at: string, dialect?: Dialect) {
  const calls: { function_id: string; payload: unknown }[] = [];
  const analytics = createHandlers({
    trigger: async (call) => {
      calls.push(call);
      return { affected_rows: 1 };
    },
    logger: { info() {} },
    now: () => new Date(at),
    ...(dialect ? { dialect: () => dialect } : {}),
  });
  return { result: await analytics.onLinkCreated({ code: 'x', url: 'https://x.example' }), calls };
}

it('analytics counts a created link under its UTC day in the analytics database', async () => {
  const { result, calls } = await countAt('2026-03-04T23:59:59.000Z');
  assert.deepEqual(result, { counted: true, day: '2026-03-04' });
  assert.deepEqual(calls, [{ function_id: 'database::execute', payload: { db: DB, sql: UPSERT_DAY, params: ['2026-03-04'] } }]);
});

it('on MySQL/MariaDB the upsert is ON DUPLICATE KEY UPDATE', async () => {
  const { calls } = await countAt('2026-03-04T00:00:00.000Z', 'mysql');
  assert.deepEqual(calls, [{ function_id: 'database::execute', payload: { db: DB, sql: UPSERT_DAY_MYSQL, params: ['2026-03-04'] } }]);
});
