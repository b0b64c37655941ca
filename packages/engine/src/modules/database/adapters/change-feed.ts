/**
 * A feed of writes made to a database by anyone (psql, another process, another engine), for
 * `database::row-changed`. Only PostgreSQL has one (LISTEN/NOTIFY, see postgres/change-feed.ts): SQLite
 * has no cross-process notification, MySQL/MariaDB none without binlog replication. `createChangeFeed` (index.ts)
 * picks the implementation.
 */
import type { RowOp } from '../write-target.ts';

export interface ExternalChange {
  /** Bare table name as the server knows it. */
  table: string;
  op: RowOp;
  affectedRows: number;
  /** When the statement ran, server clock, RFC 3339 UTC with milliseconds. */
  at: string;
  /** The writer's `triad.origin` session setting; `''` for writers that are not a Triad engine. */
  origin: string;
}

export interface ChangeFeedHooks {
  onChange(change: ExternalChange): void;
  /** Something worth an operator's attention (install refused, connection lost); the feed keeps trying. */
  onProblem(message: string, fields: Record<string, unknown>): void;
}

export interface ChangeFeed {
  /**
   * Start reporting writes to `table` (idempotent). Resolves once they are reported; rejects with the reason
   * when they cannot be yet (e.g. no such table: the feed retries until it exists or `unwatch`).
   */
  watch(table: string): Promise<void>;
  unwatch(table: string): void;
  close(): Promise<void>;
}
