/**
 * Transaction isolation levels (workers.md §3.2: `isolation?: read_committed | repeatable_read |
 * serializable` on `database::transaction` and `database::beginTransaction`), per driver:
 *
 * - PostgreSQL: the three reference levels, as `BEGIN ISOLATION LEVEL …`. `read_uncommitted` is refused:
 *   PostgreSQL would silently run it as read committed.
 * - MySQL / MariaDB: the three plus `read_uncommitted`, as `SET TRANSACTION ISOLATION LEVEL …` (applies to
 *   the next transaction only) before `START TRANSACTION`.
 * - SQLite: every transaction is serializable. `serializable` is exact; the weaker reference levels are
 *   accepted and run serializable (stronger than asked, never weaker) with a warning, as the reference does.
 *
 * Anything else → INVALID_PARAM naming what the driver accepts.
 */
import type { IsolationLevel, SqlDialect } from './adapters/sql-driver.ts';
import { invalidParam } from './errors.ts';

export type { IsolationLevel };
export const ISOLATION_LEVELS: readonly IsolationLevel[] = ['read_committed', 'repeatable_read', 'serializable', 'read_uncommitted'];

const ACCEPTED: Record<SqlDialect, readonly IsolationLevel[]> = {
  postgres: ['read_committed', 'repeatable_read', 'serializable'],
  mysql: ['read_committed', 'repeatable_read', 'serializable', 'read_uncommitted'],
  sqlite: ['read_committed', 'repeatable_read', 'serializable'],
};

/** The `isolation` of a request, checked against what `dialect` can honour; undefined → the driver's default. */
export function parseIsolation(value: unknown, dialect: SqlDialect): IsolationLevel | undefined {
  if (value === undefined || value === null) return undefined;
  const accepted = ACCEPTED[dialect];
  const level = accepted.find((l) => l === value);
  if (level) return level;
  const known = (ISOLATION_LEVELS as readonly unknown[]).includes(value);
  throw invalidParam(
    null,
    `isolation ${JSON.stringify(value)} is ${known ? `not supported by ${dialect}` : 'unknown'}; ${dialect} accepts ${accepted.join(', ')}`,
  );
}

/** `repeatable_read` → `REPEATABLE READ`, as both PostgreSQL and MySQL spell it. */
export function isolationSql(level: IsolationLevel): string {
  return level.replace('_', ' ').toUpperCase();
}

/** SQLite runs every transaction serializable: true when the caller asked for something weaker. */
export function runsStronger(dialect: SqlDialect, level: IsolationLevel | undefined): boolean {
  return dialect === 'sqlite' && level !== undefined && level !== 'serializable';
}
