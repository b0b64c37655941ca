/**
 * `config/database.yaml` (id `database`): named databases, each a URL plus pool settings.
 *
 * @example
 * databases:
 *   primary:
 *     url: sqlite:./data/iii.db          # relative to the project dir; file + parent dir created on first use
 *   reports:
 *     url: postgres://app@127.0.0.1:5432/reports
 *     pool: { max: 10, idle_timeout_ms: 30000, acquire_timeout_ms: 5000 }
 *     tls: { mode: require }             # absent → whatever the URL says (`?sslmode=`)
 */
import { z } from 'zod';
import { check, formatIssues } from '../../core/config/schema.ts';
import { dialectOf, SUPPORTED_SCHEMES } from './adapters/index.ts';
import { dbError } from './errors.ts';
import { ROW_OPS } from './write-target.ts';

/** @default { max: 10, idle_timeout_ms: 30000, acquire_timeout_ms: 5000 } */
export const DEFAULT_POOL = { max: 10, idle_timeout_ms: 30_000, acquire_timeout_ms: 5_000 };
export const DEFAULT_URL = 'sqlite:./data/iii.db';

const poolSchema = z
  .strictObject({
    max: z.int().min(1).default(DEFAULT_POOL.max).describe('most open connections (SQLite uses one)'),
    idle_timeout_ms: z.int().min(0).default(DEFAULT_POOL.idle_timeout_ms).describe('close connections idle this long'),
    acquire_timeout_ms: z
      .int()
      .min(1)
      .default(DEFAULT_POOL.acquire_timeout_ms)
      .describe('wait this long for a free connection (POOL_TIMEOUT)'),
  })
  .default(() => ({ ...DEFAULT_POOL }));

const tlsSchema = z
  .strictObject({
    mode: z.enum(['disable', 'require', 'verify-full'] as const).default('require'),
    ca_cert: z.string().optional().describe('PEM text or path to a PEM file'),
    trust_native: z.boolean().default(true).describe('also trust the system roots when ca_cert is set'),
  })
  .optional()
  .describe('PostgreSQL / MySQL TLS; ignored by SQLite');

const urlSchema = z
  .string()
  .min(1)
  .refine((url) => dialectOf(url) !== undefined, {
    error: (iss) => `unsupported scheme in "${String(iss.input).split(':')[0]}:..."; supported: ${SUPPORTED_SCHEMES}`,
  })
  .describe(`connection URL; supported schemes: ${SUPPORTED_SCHEMES}`);

export const databaseEntrySchema = z.strictObject({
  url: urlSchema,
  pool: poolSchema,
  tls: tlsSchema,
  /** @default true — kept optional so the seeded config/database.yaml stays the reference's. */
  external_changes: z
    .boolean()
    .optional()
    .describe('PostgreSQL (default true): database::row-changed also sees writes made by others (a NOTIFY trigger on each watched table)'),
});

/** @default { transaction_idle_timeout_ms: 10000, statement_idle_timeout_ms: 600000 } */
export const DEFAULT_HANDLES = { transaction_idle_timeout_ms: 10_000, statement_idle_timeout_ms: 600_000 };

/** Optional and defaulted in code, so the seeded config/database.yaml stays the reference's. */
const handlesSchema = z
  .strictObject({
    transaction_idle_timeout_ms: z
      .int()
      .min(1)
      .optional()
      .describe('roll back an interactive transaction after this long without a call (default 10000)'),
    statement_idle_timeout_ms: z
      .int()
      .min(1)
      .optional()
      .describe('drop a prepared statement handle not run for this long (default 600000)'),
  })
  .optional()
  .describe('idle timeouts of transaction and statement handles');

export const databaseConfigSchema = z.strictObject({
  databases: z
    .record(z.string(), databaseEntrySchema)
    .default(() => ({ primary: { url: DEFAULT_URL, pool: { ...DEFAULT_POOL }, tls: undefined } })),
  handles: handlesSchema,
});

/** The handle idle timeouts in force, defaults filled in. */
export function handleLimits(config: DatabaseConfig): typeof DEFAULT_HANDLES {
  return { ...DEFAULT_HANDLES, ...Object.fromEntries(Object.entries(config.handles ?? {}).filter(([, v]) => v !== undefined)) };
}

export type DatabaseConfig = z.output<typeof databaseConfigSchema>;
export type DatabaseEntry = z.output<typeof databaseEntrySchema>;

/**
 * Validate a config value (boot or hot reload) → the defaulted config, or CONFIG_ERROR listing every
 * problem. The record schema cannot express "non-empty", so that rule lives here.
 */
export function parseDatabaseConfig(value: unknown): DatabaseConfig {
  const r = check(databaseConfigSchema, value ?? {});
  if (!r.ok) throw dbError('CONFIG_ERROR', `invalid database config:\n${formatIssues(r.issues)}`, { issues: r.issues });
  if (Object.keys(r.value.databases).length === 0) throw dbError('CONFIG_ERROR', 'at least one database is required', {});
  return r.value;
}

/**
 * Config of a `database::row-changed` trigger: `{db?, table, ops?}` (workers.md §3.2). `db` defaults as the
 * functions' does; `ops` defaults to all three. Unknown keys are refused so a typo (`op:`) cannot widen a binding.
 */
export const rowChangedConfigSchema = z.strictObject({
  db: z.string().min(1).optional().describe('database name from config/database.yaml (default: the only one, else "primary")'),
  table: z.string().min(1).describe('table to watch (bare name; matched case-insensitively, schema prefix ignored)'),
  ops: z.array(z.enum(ROW_OPS)).min(1).optional().describe('which writes to announce: insert, update, delete (default: all)'),
});
export type RowChangedConfig = z.output<typeof rowChangedConfigSchema>;
