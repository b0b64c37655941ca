/**
 * The analytics worker's logic: count links created per day in its own database (`analytics`).
 * `createHandlers(deps)` runs without the engine in unit tests.
 */
export const DB = 'analytics';

export const SCHEMA = ['CREATE TABLE IF NOT EXISTS daily_link_counts (day TEXT PRIMARY KEY, count INTEGER NOT NULL)'];

// One statement, so two link.created events on the same day cannot both insert (the upsert is atomic).
export const UPSERT_DAY = `INSERT INTO daily_link_counts (day, count) VALUES (?, 1)
  ON CONFLICT (day) DO UPDATE SET count = daily_link_counts.count + 1`;

export interface AnalyticsDeps {
  trigger(call: { function_id: string; payload: unknown }): Promise<unknown>;
  logger: { info(message: string, data?: unknown): void };
  /** @default () => new Date() */
  now?: () => Date;
}

export function createHandlers(deps: AnalyticsDeps) {
  const now = deps.now ?? (() => new Date());
  return {
    /** analytics::on_link_created, subscribed to link.created {code, url} → {counted: true, day} */
    async onLinkCreated(data: unknown): Promise<{ counted: true; day: string }> {
      const day = now().toISOString().slice(0, 10);
      await deps.trigger({ function_id: 'database::execute', payload: { db: DB, sql: UPSERT_DAY, params: [day] } });
      const code = typeof data === 'object' && data !== null && 'code' in data ? String(data.code) : undefined;
      deps.logger.info('link counted', { day, code });
      return { counted: true, day };
    },
  };
}
