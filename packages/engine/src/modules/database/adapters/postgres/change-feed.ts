/**
 * PostgreSQL change feed: one dedicated session per database that LISTENs on `triad_row_changed`, and a
 * NOTIFY trigger installed on each watched table (notify-trigger.ts).
 *
 * Delivery is at-most-once: PostgreSQL queues a notification only for sessions listening at commit time,
 * so writes committed while this session is down (engine stopped, connection lost, reconnecting) are never
 * seen. On a lost connection the feed reconnects with backoff (0.5 s doubling to 30 s), LISTENs again and
 * re-checks its triggers. Notifications arrive in commit order and are handed on in that order.
 */
import pg from 'pg';
import { z } from 'zod';
import type { ChangeFeed, ChangeFeedHooks } from '../change-feed.ts';
import type { DriverOptions } from '../sql-driver.ts';
import { tlsOption } from '../tls.ts';
import { originOption } from './driver.ts';
import { CHANNEL, CREATE_FUNCTION, createTrigger, FUNCTION, INSTALL_LOCK, OPS, triggerName } from './notify-trigger.ts';

const payloadSchema = z.object({
  table: z.string(),
  op: z.enum(['insert', 'update', 'delete']),
  n: z.number().int().nonnegative(),
  origin: z.string(),
  at: z.string(),
});

const UNDEFINED_TABLE = '42P01';
const RETRY_MS = 2_000;
const MAX_BACKOFF_MS = 30_000;

class PostgresChangeFeed implements ChangeFeed {
  /** Watched tables → installed yet. */
  private readonly tables = new Map<string, boolean>();
  private client: pg.Client | undefined;
  private connecting: Promise<pg.Client> | undefined;
  private timer: NodeJS.Timeout | undefined;
  private backoffMs = 500;
  private closed = false;
  /** Installs share the one session: each BEGIN..COMMIT runs after the previous one. */
  private installs: Promise<unknown> = Promise.resolve();

  constructor(
    private readonly opts: DriverOptions,
    private readonly hooks: ChangeFeedHooks,
  ) {}

  async watch(table: string): Promise<void> {
    if (this.closed) return;
    if (!this.tables.has(table)) this.tables.set(table, false);
    try {
      await this.install(await this.session(), table);
    } catch (err) {
      this.scheduleRetry();
      throw err;
    }
  }

  unwatch(table: string): void {
    this.tables.delete(table);
  }

  async close(): Promise<void> {
    this.closed = true;
    clearTimeout(this.timer);
    const client = this.client ?? (await this.connecting?.catch(() => undefined));
    this.client = undefined;
    await client?.end().catch(() => {});
  }

  /** The listening session, connected (and LISTENing) on first use and after a loss. */
  private session(): Promise<pg.Client> {
    if (this.client) return Promise.resolve(this.client);
    this.connecting ??= this.connect().finally(() => {
      this.connecting = undefined;
    });
    return this.connecting;
  }

  private async connect(): Promise<pg.Client> {
    const ssl = tlsOption(this.opts.tls);
    const client = new pg.Client({
      connectionString: this.opts.url,
      connectionTimeoutMillis: this.opts.pool.acquire_timeout_ms,
      // Named so an operator can find it in pg_stat_activity (it holds a session for as long as tables are watched).
      application_name: 'triad-row-changes',
      ...(this.opts.origin === undefined ? {} : { options: originOption(this.opts.origin) }),
      ...(ssl === undefined ? {} : { ssl }),
    });
    client.on('notification', (msg) => this.onNotification(msg.channel, msg.payload));
    client.on('error', (err) => this.lost(client, err));
    client.on('end', () => this.lost(client, new Error('connection ended')));
    try {
      await client.connect();
      await client.query(`LISTEN ${CHANNEL}`);
    } catch (err) {
      await client.end().catch(() => {});
      throw err;
    }
    if (this.closed) {
      await client.end().catch(() => {});
      throw new Error(`change feed of "${this.opts.name}" is closed`);
    }
    this.client = client;
    this.backoffMs = 500;
    return client;
  }

  private lost(client: pg.Client, err: Error): void {
    if (this.client !== client || this.closed) return;
    this.client = undefined;
    for (const t of this.tables.keys()) this.tables.set(t, false);
    this.hooks.onProblem(`row-change feed of "${this.opts.name}" lost its connection; writes until it is back are not seen`, {
      error: err.message,
    });
    client.end().catch(() => {});
    this.scheduleRetry();
  }

  private onNotification(channel: string, payload: string | undefined): void {
    if (channel !== CHANNEL || payload === undefined) return;
    let parsed: z.output<typeof payloadSchema>;
    try {
      parsed = payloadSchema.parse(JSON.parse(payload));
    } catch {
      return; // someone else's NOTIFY on our channel
    }
    const { table, op, n, origin, at } = parsed;
    this.hooks.onChange({ table, op, affectedRows: n, origin, at });
  }

  /** Re-try what is not installed yet (table created later, server back): backoff after a loss, else every 2 s. */
  private scheduleRetry(): void {
    if (this.closed || this.timer) return;
    const delay = this.client ? RETRY_MS : this.backoffMs;
    if (!this.client) this.backoffMs = Math.min(this.backoffMs * 2, MAX_BACKOFF_MS);
    this.timer = setTimeout(() => {
      this.timer = undefined;
      void this.retry();
    }, delay);
    this.timer.unref();
  }

  private async retry(): Promise<void> {
    const pending = [...this.tables].filter(([, installed]) => !installed).map(([t]) => t);
    if (pending.length === 0 || this.closed) return;
    try {
      const client = await this.session();
      for (const t of pending) await this.install(client, t).catch(() => {});
    } catch {
      // still unreachable: try again later
    }
    if ([...this.tables.values()].some((installed) => !installed)) this.scheduleRetry();
  }

  private install(client: pg.Client, table: string): Promise<void> {
    const run = this.installs.then(() => this.installNow(client, table));
    this.installs = run.catch(() => {});
    return run;
  }

  /** Create the function and any missing trigger on `table`, under a cluster-wide advisory lock. */
  private async installNow(client: pg.Client, table: string): Promise<void> {
    await client.query('BEGIN');
    try {
      await client.query(INSTALL_LOCK);
      const rel = await client.query<{ oid: number; name: string }>(
        'SELECT c.oid::int8 AS oid, c.oid::regclass::text AS name FROM pg_class c WHERE c.oid = to_regclass($1)',
        [table],
      );
      const found = rel.rows[0];
      if (!found) throw Object.assign(new Error(`relation "${table}" does not exist (yet)`), { code: UNDEFINED_TABLE });
      const fn = await client.query('SELECT to_regprocedure($1) AS p', [`${FUNCTION}()`]);
      if (fn.rows[0]?.p === null) await client.query(CREATE_FUNCTION);
      const have = await client.query<{ tgname: string }>('SELECT tgname FROM pg_trigger WHERE tgrelid = $1::oid', [found.oid]);
      const names = new Set(have.rows.map((r) => r.tgname));
      for (const op of OPS) if (!names.has(triggerName(op))) await client.query(createTrigger(op, found.name));
      await client.query('COMMIT');
      if (this.tables.has(table)) this.tables.set(table, true);
    } catch (err) {
      await client.query('ROLLBACK').catch(() => {});
      throw err;
    }
  }
}

export function createPostgresChangeFeed(opts: DriverOptions, hooks: ChangeFeedHooks): ChangeFeed {
  return new PostgresChangeFeed(opts, hooks);
}
