/**
 * The SQL the link worker runs (database `primary`: SQLite, PostgreSQL or MySQL/MariaDB). `?` placeholders
 * work on every driver (the engine rewrites them for PostgreSQL); the DDL and the duplicate-tolerant click
 * insert differ per dialect, so they come as functions of it.
 */
export const DB = 'primary';

/** The `driver` the database worker reports for a database (`database::listDatabases`). */
export type Dialect = 'sqlite' | 'postgres' | 'mysql';

/** The dialect of `db` in a `database::listDatabases` answer; undefined when it is not listed. */
export function dialectOf(listing: unknown, db: string): Dialect | undefined {
  const dbs = (listing as { databases?: { name?: unknown; driver?: unknown }[] } | null)?.databases;
  const driver = Array.isArray(dbs) ? dbs.find((d) => d.name === db)?.driver : undefined;
  return driver === 'sqlite' || driver === 'postgres' || driver === 'mysql' ? driver : undefined;
}

/**
 * MySQL/MariaDB cannot index TEXT without a prefix length (and hash-index a UNIQUE TEXT, whose concurrent inserts
 * deadlock): keys are VARCHAR there, sized from validate.ts (codes ≤ 64, ISO timestamps 24), with the indexes in the
 * CREATE TABLE since MySQL has no CREATE INDEX IF NOT EXISTS. No MySQL table predates click ids.
 */
const MYSQL_SCHEMA = [
  'CREATE TABLE IF NOT EXISTS links (code VARCHAR(64) PRIMARY KEY, url TEXT NOT NULL, created_at VARCHAR(32) NOT NULL)',
  `CREATE TABLE IF NOT EXISTS clicks (id BIGINT AUTO_INCREMENT PRIMARY KEY, code VARCHAR(64) NOT NULL,
    clicked_at VARCHAR(32) NOT NULL, click_id VARCHAR(64) NULL, INDEX clicks_code (code), UNIQUE KEY clicks_click_id (click_id))`,
];

export const schema = (dialect: Dialect): string[] =>
  dialect === 'mysql'
    ? MYSQL_SCHEMA
    : [
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
/** MySQL's form of INSERT_CLICK: a no-op update on the duplicate key (unlike INSERT IGNORE, other errors still fail). */
export const INSERT_CLICK_MYSQL = 'INSERT INTO clicks (code, clicked_at, click_id) VALUES (?, ?, ?) ON DUPLICATE KEY UPDATE id = id';

export const insertClick = (dialect: Dialect): string => (dialect === 'mysql' ? INSERT_CLICK_MYSQL : INSERT_CLICK);

/** Run after `schema()`; a column that already exists is the only acceptable failure. */
export const ADD_CLICK_ID = 'ALTER TABLE clicks ADD COLUMN click_id TEXT';
export const CLICK_ID_INDEX = 'CREATE UNIQUE INDEX IF NOT EXISTS clicks_click_id ON clicks (click_id)';

/** The ALTER's error when the column is there already (SQLite: duplicate column name; PostgreSQL: 42701; MariaDB: Duplicate column). */
export function isDuplicateColumn(err: unknown): boolean {
  return /duplicate column|already exists|42701/i.test(err instanceof Error ? err.message : String(err));
}
export const LIST_LINKS = `SELECT l.code AS code, l.url AS url, l.created_at AS created_at,
  COUNT(c.id) AS clicks, MAX(c.clicked_at) AS last_click_at
  FROM links l LEFT JOIN clicks c ON c.code = l.code
  GROUP BY l.code, l.url, l.created_at
  ORDER BY l.created_at DESC, l.code
  LIMIT ?`;

/** True when a database error is the duplicate-key failure of INSERT_LINK (SQLite, PostgreSQL or MySQL wording). */
export function isUniqueViolation(err: unknown): boolean {
  const message = err instanceof Error ? err.message : String(err);
  return /UNIQUE constraint|SQLITE_CONSTRAINT|duplicate key|23505|Duplicate entry/i.test(message);
}
