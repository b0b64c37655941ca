/**
 * Trigger type `database::row-changed` (workers.md §3.2): a function bound with `{db?, table, ops?}` is
 * called with `{db, table, op, affected_rows, returning?, at, source}` for each committed write to that table.
 *
 * Two sources:
 * - `source: "engine"` — writes made through this engine's database functions. Every write path calls
 *   `committed(db, writes)` once its transaction has committed (the one hook point: `execute`, `transaction`,
 *   and a handle-based transaction on commit); a rollback calls nothing, so announces nothing.
 * - `source: "external"` — PostgreSQL only: writes by anyone else (psql, another process, another engine),
 *   from the NOTIFY feed (adapters/postgres/change-feed.ts). Our own writes come back on that feed too,
 *   tagged with this engine's origin id, and are dropped there: each write is delivered once.
 *
 * Delivery is at-most-once and fire-and-forget (like every trigger): a handler that fails is not retried, an
 * engine that stops between commit and announce never announces, and an unreachable function misses it.
 */
import { check, formatIssues, toJsonSchema } from '../../core/config/schema.ts';
import type { Logger } from '../../util/logger.ts';
import type { EngineApi, TriggerInstance, TriggerTypeDef } from '../module.ts';
import type { ChangeFeed, ExternalChange } from './adapters/change-feed.ts';
import { createChangeFeed } from './adapters/index.ts';
import type { ExecResult, SqlRow } from './adapters/sql-driver.ts';
import { rowChangedConfigSchema } from './config.ts';
import { dbError } from './errors.ts';
import type { DatabasePools } from './pools.ts';
import { ROW_OPS, type RowOp, writeTarget } from './write-target.ts';

export const ROW_CHANGED = 'database::row-changed';

export interface RowChangedEvent {
  db: string;
  table: string;
  op: RowOp;
  affected_rows: number;
  /** Rows the statement returned (`returning` / RETURNING), writes through this engine only. */
  returning?: SqlRow[];
  /** RFC 3339 UTC: commit time (engine clock) or statement time (server clock, external). */
  at: string;
  source: 'engine' | 'external';
}

/** A statement that ran inside a now-committed transaction, as a write path hands it to `committed`. */
export interface CommittedWrite {
  sql: string;
  result: ExecResult;
}

/** The one hook every write path calls after a successful commit. */
export interface RowChangeHook {
  committed(db: string, writes: readonly CommittedWrite[]): void;
  /** True while a binding watches `db`: lets a read path skip looking for writes at all. */
  watches(db: string): boolean;
}

interface Binding {
  functionId: string;
  db: string;
  /** As configured (may be `schema."Name"`): what the PostgreSQL feed resolves. */
  configured: string;
  /** Bare (schema prefix and quotes dropped): the event's `table`. */
  table: string;
  key: string;
  ops: ReadonlySet<RowOp>;
  metadata: unknown;
}

/** Case-insensitive bare name: `public."Links"` and `links` both watch `links`. */
function tableKey(table: string): string {
  return (writeTarget(`DELETE FROM ${table}`)?.table ?? table).toLowerCase();
}

export class RowChangedTriggers implements RowChangeHook {
  private readonly bindings = new Map<string, Binding>();
  private readonly feeds = new Map<string, { feed: ChangeFeed; options: string }>();

  constructor(
    private readonly engine: EngineApi,
    private readonly log: Logger,
    private readonly pools: DatabasePools,
    /** This engine's `triad.origin`: external changes carrying it are ours, already announced. */
    private readonly origin: string,
  ) {}

  typeDef(): TriggerTypeDef {
    return {
      id: ROW_CHANGED,
      description: 'Fires after a committed INSERT / UPDATE / DELETE on a table (PostgreSQL: also writes made by others)',
      configuration_schema: toJsonSchema(rowChangedConfigSchema),
      register: (t) => this.add(t),
      unregister: (t) => this.remove(t.id),
    };
  }

  watches(db: string): boolean {
    for (const b of this.bindings.values()) if (b.db === db) return true;
    return false;
  }

  committed(db: string, writes: readonly CommittedWrite[]): void {
    if (this.bindings.size === 0) return;
    const at = new Date().toISOString();
    for (const { sql, result } of writes) {
      const target = result.affectedRows > 0 ? writeTarget(sql) : undefined;
      if (!target) continue;
      const returning = result.returnedRows.length > 0 ? { returning: result.returnedRows } : {};
      this.fire(db, tableKey(target.table), (table) => ({
        db,
        table,
        op: target.op,
        affected_rows: result.affectedRows,
        ...returning,
        at,
        source: 'engine',
      }));
    }
  }

  /** Rebuild feeds whose database changed or went away (after a database.yaml reload). */
  async reconfigured(): Promise<void> {
    for (const [db, { feed, options }] of this.feeds) {
      if (this.feedOptions(db) === options) continue;
      this.feeds.delete(db);
      await feed.close();
    }
    for (const b of this.bindings.values()) this.watchExternal(b);
  }

  async close(): Promise<void> {
    const feeds = [...this.feeds.values()];
    this.feeds.clear();
    await Promise.all(feeds.map((f) => f.feed.close()));
  }

  private add(t: TriggerInstance): void {
    const r = check(rowChangedConfigSchema, t.config ?? {});
    if (!r.ok) {
      throw dbError('CONFIG_ERROR', `invalid ${ROW_CHANGED} trigger config: ${formatIssues(r.issues).replace(/\n/g, '; ')}`, {
        issues: r.issues,
        allowed_ops: [...ROW_OPS],
      });
    }
    const db = this.pools.resolve(r.value.db);
    const key = tableKey(r.value.table);
    const binding: Binding = {
      functionId: t.function_id,
      db,
      configured: r.value.table,
      table: writeTarget(`DELETE FROM ${r.value.table}`)?.table ?? r.value.table,
      key,
      ops: new Set(r.value.ops ?? ROW_OPS),
      metadata: t.metadata,
    };
    this.bindings.set(t.id, binding);
    this.watchExternal(binding);
  }

  private remove(id: string): void {
    const gone = this.bindings.get(id);
    this.bindings.delete(id);
    if (!gone) return;
    const still = [...this.bindings.values()];
    const entry = this.feeds.get(gone.db);
    if (!entry) return;
    if (!still.some((b) => b.db === gone.db)) {
      this.feeds.delete(gone.db);
      void entry.feed.close();
    } else if (!still.some((b) => b.db === gone.db && b.configured === gone.configured)) {
      entry.feed.unwatch(gone.configured);
    }
  }

  private fire(db: string, key: string, event: (table: string) => RowChangedEvent): void {
    for (const b of this.bindings.values()) {
      if (b.db !== db || b.key !== key) continue;
      const e = event(b.table);
      if (!b.ops.has(e.op)) continue;
      this.engine.invokeVoid(b.functionId, e, b.metadata === undefined ? {} : { metadata: b.metadata });
    }
  }

  private onExternal(db: string, change: ExternalChange): void {
    if (change.origin === this.origin) return;
    this.fire(db, change.table.toLowerCase(), (table) => ({
      db,
      table,
      op: change.op,
      affected_rows: change.affectedRows,
      at: change.at,
      source: 'external',
    }));
  }

  /** The feed identity of a database: its connection settings, or undefined when it has no external feed. */
  private feedOptions(db: string): string | undefined {
    const entry = this.pools.entry(db);
    if (!entry || entry.external_changes === false) return undefined;
    return JSON.stringify(this.pools.driverOptions(db));
  }

  private watchExternal(b: Binding): void {
    const options = this.feedOptions(b.db);
    const dialect = this.pools.list().find((d) => d.name === b.db)?.driver;
    if (options === undefined || dialect === undefined) return;
    let entry = this.feeds.get(b.db);
    if (!entry) {
      const feed = createChangeFeed(dialect, this.pools.driverOptions(b.db), {
        onChange: (c) => this.onExternal(b.db, c),
        onProblem: (message, fields) => this.log.warn(message, { db: b.db, ...fields }),
      });
      if (!feed) return;
      entry = { feed, options };
      this.feeds.set(b.db, entry);
    }
    entry.feed.watch(b.configured).catch((err: unknown) =>
      this.log.warn(`${ROW_CHANGED}: writes to "${b.table}" by others are not seen yet (retrying)`, {
        db: b.db,
        error: err instanceof Error ? err.message : String(err),
      }),
    );
  }
}
