/**
 * The analytics worker's logic: count links created per day in its own database (`analytics`).
 * `createHandlers(deps)` runs without the engine in unit tests.
 */
export const DB = 'analytics';

/** The `driver` the database worker reports for `analytics` (`database::listDatabases`). */
export type Dialect = 'sqlite' | 'postgres' | 'mysql';

/** MySQL/MariaDB cannot make a TEXT column a primary key: the day (YYYY-MM-DD) is a VARCHAR there. */
export const schema = (dialect: Dialect): string[] => [
  dialect === 'mysql'
    ? 'CREATE TABLE IF NOT EXISTS daily_link_counts (day VARCHAR(10) PRIMARY KEY, count INTEGER NOT NULL)'
    : 'CREATE TABLE IF NOT EXISTS daily_link_counts (day TEXT PRIMARY KEY, count INTEGER NOT NULL)',
];

// One statement, so two link.created events on the same day cannot both insert (the upsert is atomic).
export const UPSERT_DAY = `INSERT INTO daily_link_counts (day, count) VALUES (?, 1)
  ON CONFLICT (day) DO UPDATE SET count = daily_link_counts.count + 1`;
export const UPSERT_DAY_MYSQL = 'INSERT INTO daily_link_counts (day, count) VALUES (?, 1) ON DUPLICATE KEY UPDATE count = count + 1';

/** The dialect of `db` in a `database::listDatabases` answer; undefined when it is not listed. */
export function dialectOf(listing: unknown, db: string): Dialect | undefined {
  const dbs = (listing as { databases?: { name?: unknown; driver?: unknown }[] } | null)?.databases;
  const driver = Array.isArray(dbs) ? dbs.find((d) => d.name === db)?.driver : undefined;
  return driver === 'sqlite' || driver === 'postgres' || driver === 'mysql' ? driver : undefined;
}

export interface AnalyticsDeps {
  trigger(call: { function_id: string; payload: unknown }): Promise<unknown>;
  logger: { info(message: string, data?: unknown): void };
  /** @default () => new Date() */
  now?: () => Date;
  /** Which SQL `analytics` speaks (index.ts asks the database worker at boot). @default () => 'sqlite' */
  dialect?: () => Dialect;
}

export function createHandlers(deps: AnalyticsDeps) {
  const now = deps.now ?? (() => new Date());
  const dialect = deps.dialect ?? (() => 'sqlite');
  return {
    /** analytics::on_link_created, subscribed to link.created {code, url} → {counted: true, day} */
    async onLinkCreated(data: unknown): Promise<{ counted: true; day: string }> {
      const day = now().toISOString().slice(0, 10);
      await deps.trigger({
        function_id: 'database::execute',
        payload: { db: DB, sql: dialect() === 'mysql' ? UPSERT_DAY_MYSQL : UPSERT_DAY, params: [day] },
      });
      const code = typeof data === 'object' && data !== null && 'code' in data ? String(data.code) : undefined;
      deps.logger.info('link counted', { day, code });
      return { counted: true, day };
    },
  };
}
