/**
 * The SQL the link worker runs (database `primary`). `?` placeholders work on both drivers (the engine
 * rewrites them for PostgreSQL); only the auto-increment key differs, so the DDL comes in two dialects.
 */
export const DB = 'primary';

export type Dialect = 'sqlite' | 'postgres';

/** Succeeds on SQLite only: how the worker tells which database `primary` is. */
export const PROBE_SQLITE = 'SELECT sqlite_version() AS v';

export const schema = (dialect: Dialect): string[] => [
  'CREATE TABLE IF NOT EXISTS links (code TEXT PRIMARY KEY, url TEXT NOT NULL, created_at TEXT NOT NULL)',
  dialect === 'sqlite'
    ? 'CREATE TABLE IF NOT EXISTS clicks (id INTEGER PRIMARY KEY AUTOINCREMENT, code TEXT NOT NULL, clicked_at TEXT NOT NULL)'
    : 'CREATE TABLE IF NOT EXISTS clicks (id BIGSERIAL PRIMARY KEY, code TEXT NOT NULL, clicked_at TEXT NOT NULL)',
  // The dashboard counts clicks per code; without this index every listing scans the whole clicks table.
  'CREATE INDEX IF NOT EXISTS clicks_code ON clicks (code)',
];

export const INSERT_LINK = 'INSERT INTO links (code, url, created_at) VALUES (?, ?, ?)';
export const SELECT_URL = 'SELECT url FROM links WHERE code = ?';
export const UPDATE_URL = 'UPDATE links SET url = ? WHERE code = ?';
/**
 * Each click carries a `click_id` from the redirect that queued it: a job the queue delivers twice (its
 * engine died after the insert, before the ack) inserts nothing the second time. Rows without one (clicks
 * recorded by hand) never conflict, since NULLs are distinct in a unique index on both drivers.
 */
export const DELETE_LINK = 'DELETE FROM links WHERE code = ?';
export const DELETE_CLICKS = 'DELETE FROM clicks WHERE code = ?';
export const INSERT_CLICK = 'INSERT INTO clicks (code, clicked_at, click_id) VALUES (?, ?, ?) ON CONFLICT (click_id) DO NOTHING';

/** Run after `schema()`; a column that already exists is the only acceptable failure. */
export const ADD_CLICK_ID = 'ALTER TABLE clicks ADD COLUMN click_id TEXT';
export const CLICK_ID_INDEX = 'CREATE UNIQUE INDEX IF NOT EXISTS clicks_click_id ON clicks (click_id)';

/** The ALTER's error when the column is there already (SQLite: duplicate column name; PostgreSQL: 42701). */
export function isDuplicateColumn(err: unknown): boolean {
  return /duplicate column|already exists|42701/i.test(err instanceof Error ? err.message : String(err));
}
export const LIST_LINKS = `SELECT l.code AS code, l.url AS url, l.created_at AS created_at,
  COUNT(c.id) AS clicks, MAX(c.clicked_at) AS last_click_at
  FROM links l LEFT JOIN clicks c ON c.code = l.code
  GROUP BY l.code, l.url, l.created_at
  ORDER BY l.created_at DESC, l.code
  LIMIT ?`;

/** True when a database error is the duplicate-key failure of INSERT_LINK (SQLite or PostgreSQL wording). */
export function isUniqueViolation(err: unknown): boolean {
  const message = err instanceof Error ? err.message : String(err);
  return /UNIQUE constraint|SQLITE_CONSTRAINT|duplicate key|23505/i.test(message);
}
