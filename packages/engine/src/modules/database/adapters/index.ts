/** The scheme of a database URL picks the adapter. One table, used by config validation and the pools. */

import type { ChangeFeed, ChangeFeedHooks } from './change-feed.ts';
import { createMysqlDriver } from './mysql/driver.ts';
import { createPostgresChangeFeed } from './postgres/change-feed.ts';
import { createPostgresDriver } from './postgres/driver.ts';
import type { DriverOptions, SqlDialect, SqlDriver } from './sql-driver.ts';
import { createSqliteDriver, type SqliteModeOptions } from './sqlite/driver.ts';

const SCHEMES: ReadonlyArray<{ prefix: string; dialect: SqlDialect }> = [
  { prefix: 'sqlite:', dialect: 'sqlite' },
  { prefix: 'postgres://', dialect: 'postgres' },
  { prefix: 'postgresql://', dialect: 'postgres' },
  { prefix: 'mysql://', dialect: 'mysql' },
  { prefix: 'mariadb://', dialect: 'mysql' },
];

/** For error messages: `sqlite:, postgres://, postgresql://, mysql://, mariadb://`. */
export const SUPPORTED_SCHEMES = SCHEMES.map((s) => s.prefix).join(', ');

/** The dialect a URL selects, or undefined for an unsupported scheme. */
export function dialectOf(url: string): SqlDialect | undefined {
  const lower = url.toLowerCase();
  return SCHEMES.find((s) => lower.startsWith(s.prefix))?.dialect;
}

/** `sqlite.inThread` selects the pre-thread SQLite mode (benchmarks only). */
export function createDriver(opts: DriverOptions, mode: { sqlite?: SqliteModeOptions } = {}): SqlDriver {
  const dialect = dialectOf(opts.url);
  if (dialect === 'sqlite') return createSqliteDriver(opts, mode.sqlite);
  if (dialect === 'postgres') return createPostgresDriver(opts);
  if (dialect === 'mysql') return createMysqlDriver(opts);
  throw new Error(`unsupported database URL scheme for "${opts.name}"; supported: ${SUPPORTED_SCHEMES}`);
}

/** The feed of writes made by others, where the dialect has one (PostgreSQL); undefined elsewhere. */
export function createChangeFeed(dialect: SqlDialect, opts: DriverOptions, hooks: ChangeFeedHooks): ChangeFeed | undefined {
  return dialect === 'postgres' ? createPostgresChangeFeed(opts, hooks) : undefined;
}
