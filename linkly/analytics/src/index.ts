/**
 * The `analytics` worker (Python in the tutorial; TypeScript here because PyPI is out of reach):
 * counts link.created events per day in the `analytics` database. Wiring only; logic in handlers.ts.
 */
import { Logger } from '@iii-dev/helpers/observability';
import { registerWorker } from 'iii-sdk';
import { createHandlers, DB, type Dialect, dialectOf, schema } from './handlers.ts';

const worker = registerWorker(process.env.III_URL ?? 'ws://localhost:49134', {
  workerName: 'analytics',
});
const logger = new Logger();
/** Which SQL `analytics` speaks; known before the subscription goes live (ensureSchema). */
let dialect: Dialect = 'sqlite';
const analytics = createHandlers({ trigger: (call) => worker.trigger(call), logger, dialect: () => dialect });

worker.registerFunction('analytics::on_link_created', (data) => analytics.onLinkCreated(data), {
  description: 'Count a created link in daily_link_counts',
});

/** The database worker may still be starting (or `analytics` not yet configured): retry until it answers. */
async function ensureSchema(): Promise<void> {
  for (let attempt = 1; ; attempt++) {
    try {
      const found = dialectOf(await worker.trigger({ function_id: 'database::listDatabases', payload: {} }), DB);
      if (!found) throw new Error(`database "${DB}" is not configured (yet)`);
      dialect = found;
      for (const sql of schema(dialect)) await worker.trigger({ function_id: 'database::execute', payload: { db: DB, sql } });
      return;
    } catch (err) {
      if (attempt % 10 === 1) logger.warn('analytics database not ready, retrying', { attempt, error: String(err) });
      await new Promise((r) => setTimeout(r, Math.min(100 * attempt, 2000)));
    }
  }
}

// Subscribe only once the table exists, so no event meets a missing table.
await ensureSchema();
worker.registerTrigger({
  type: 'subscribe',
  function_id: 'analytics::on_link_created',
  config: { topic: 'link.created' },
});

logger.info('analytics ready', { topic: 'link.created' });
