/**
 * The named databases of one `database` instance: name → driver, created on first use (so a SQLite
 * file appears only when used) and rebuilt in place on reconfigure. Holders of a driver should look
 * it up per use (`get(name)`) rather than keep it: a reconfigure may replace it.
 */

import { redactUrl } from '../../util/redact-url.ts';
import { createDriver, dialectOf } from './adapters/index.ts';
import type { DriverOptions, SqlDialect, SqlDriver } from './adapters/sql-driver.ts';
import type { DatabaseConfig, DatabaseEntry } from './config.ts';
import { dbError, unknownDb } from './errors.ts';

export { redactUrl };

export interface DatabaseInfo {
  name: string;
  driver: SqlDialect;
  /** The URL with any password masked. */
  url: string;
}

export class DatabasePools {
  private entries: Record<string, DatabaseEntry>;
  private readonly drivers = new Map<string, SqlDriver>();

  constructor(
    config: DatabaseConfig,
    private readonly baseDir: string,
    /** This engine's id on its database sessions (DriverOptions.origin). */
    private readonly origin?: string,
    /** Driver modes; `{ sqlite: { inThread: true } }` is the benchmark's pre-thread SQLite. */
    private readonly mode: Parameters<typeof createDriver>[1] = {},
  ) {
    this.entries = config.databases;
  }

  names(): string[] {
    return Object.keys(this.entries);
  }

  /** `db` as given, or the default when omitted: the sole database, else `primary`, else MISSING_DB. */
  resolve(db: string | undefined): string {
    const names = this.names();
    if (db !== undefined) {
      if (!(db in this.entries)) throw unknownDb(db, names);
      return db;
    }
    if (names.length === 1) return names[0] as string;
    if ('primary' in this.entries) return 'primary';
    throw dbError('MISSING_DB', `no "db" given and no default database; available: ${names.join(', ')}`, { available: names });
  }

  /** The driver for a database, opened lazily. Throws UNKNOWN_DB / MISSING_DB. */
  get(db?: string): SqlDriver {
    const name = this.resolve(db);
    let driver = this.drivers.get(name);
    if (!driver) {
      driver = createDriver(this.driverOptions(name), this.mode);
      this.drivers.set(name, driver);
    }
    return driver;
  }

  /** What an adapter needs to connect to a configured database (also used by the row-change feed). */
  driverOptions(name: string): DriverOptions {
    const entry = this.entry(name);
    if (!entry) throw unknownDb(name, this.names());
    const { url, pool, tls } = entry;
    return { name, url, pool, tls, baseDir: this.baseDir, ...(this.origin === undefined ? {} : { origin: this.origin }) };
  }

  /** The configured entry, or undefined when `name` is not (or no longer) configured. */
  entry(name: string): DatabaseEntry | undefined {
    return Object.hasOwn(this.entries, name) ? this.entries[name] : undefined;
  }

  list(): DatabaseInfo[] {
    return Object.entries(this.entries).map(([name, e]) => ({ name, driver: dialectOf(e.url) as SqlDialect, url: redactUrl(e.url) }));
  }

  /** Open databases that `next` removes or changes (their drivers close on reconfigure). */
  changedBy(next: DatabaseConfig): string[] {
    return [...this.drivers.keys()].filter((name) => {
      const now = next.databases[name];
      return !now || JSON.stringify(now) !== JSON.stringify(this.entries[name]);
    });
  }

  /** Swap in a new (validated) config: unchanged databases keep their open driver; the rest close. */
  async reconfigure(next: DatabaseConfig): Promise<void> {
    const changed = this.changedBy(next);
    this.entries = next.databases;
    const stale: SqlDriver[] = [];
    for (const name of changed) {
      const driver = this.drivers.get(name);
      this.drivers.delete(name);
      if (driver) stale.push(driver);
    }
    // pg's Pool.end lets checked-out clients finish; SQLite threads finish their request in flight.
    await Promise.all(stale.map((d) => d.close()));
  }

  async close(): Promise<void> {
    const all = [...this.drivers.values()];
    this.drivers.clear();
    await Promise.all(all.map((d) => d.close()));
  }
}
