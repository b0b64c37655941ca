/**
 * The `database` built-in worker (workers.md §3): named SQLite / PostgreSQL / MySQL databases behind
 * `database::query`, `database::execute`, `database::transaction`, `database::listDatabases`, the
 * `database::row-changed` trigger type, and the `sql` service for other modules. Hot reload rebuilds
 * changed pools in place; an invalid new config is refused with CONFIG_ERROR and the running pools stay.
 */
import { randomUUID } from 'node:crypto';
import { EngineError } from '../../core/errors/index.ts';
import type { EngineModule, ModuleInstance } from '../module.ts';
import { type DatabaseConfig, databaseConfigSchema, handleLimits, parseDatabaseConfig } from './config.ts';
import { databaseFunctions } from './functions.ts';
import { handleFunctions } from './handle-functions.ts';
import { Handles } from './handles.ts';
import { DatabasePools } from './pools.ts';
import type { SqlService } from './service.ts';
import { RowChangedTriggers } from './triggers.ts';

export type { SqlService } from './service.ts';

function errorFields(err: unknown): Record<string, unknown> {
  return err instanceof EngineError ? { code: err.code, error: err.message } : { error: String(err) };
}

export const databaseModule: EngineModule<DatabaseConfig> = {
  name: 'database',
  displayName: 'Database',
  description: 'SQL databases (SQLite, PostgreSQL, MySQL/MariaDB): database::query, database::execute, database::transaction',
  configSchema: databaseConfigSchema,
  create(ctx, config): ModuleInstance {
    // Names this engine on its database sessions, so its own writes are told apart on the PostgreSQL change feed.
    const origin = randomUUID();
    let current = parseDatabaseConfig(config);
    const pools = new DatabasePools(current, ctx.projectDir, origin);
    const changes = new RowChangedTriggers(ctx.engine, ctx.log, pools, origin);
    const handles = new Handles(
      () => handleLimits(current),
      (db, writes) => changes.committed(db, writes),
    );
    // Functions and trigger types registered through ctx are removed by the core on stop; the service is ours to withdraw.
    for (const fn of databaseFunctions({ pools, changes, log: ctx.log })) ctx.engine.registerFunction(fn);
    for (const fn of handleFunctions(pools, handles, changes)) ctx.engine.registerFunction(fn);
    // A worker's transactions roll back (and give their connection back) the moment it disconnects.
    const offDisconnect = ctx.engine.on('worker:disconnected', ({ workerId }) => void handles.dropOwner(workerId));
    ctx.engine.registerTriggerType(changes.typeDef());
    const service: SqlService = { get: (db) => pools.get(db), list: () => pools.list() };
    const withdraw = ctx.engine.services.provide('sql', service);
    return {
      start() {
        // Pools open lazily and pg reconnects per checkout, so an unreachable server must not stop the engine;
        // but it is said once at boot, naming the server, rather than first surfacing on a user's request.
        for (const db of pools.list()) {
          if (db.driver === 'sqlite') continue;
          pools
            .get(db.name)
            .query('SELECT 1')
            .catch((err: unknown) =>
              ctx.log.warn(`database "${db.name}" (${db.url}) is not reachable yet; calls fail until it is`, errorFields(err)),
            );
        }
      },
      async reconfigure(next: unknown) {
        const parsed = parseDatabaseConfig(next);
        // Roll back first: a PostgreSQL pool's end() waits for the client an open transaction holds.
        await handles.dropDbs(pools.changedBy(parsed));
        current = parsed;
        await pools.reconfigure(parsed);
        await changes.reconfigured();
        ctx.log.info(`database: now serving ${pools.names().join(', ')}`);
      },
      async stop() {
        withdraw();
        offDisconnect();
        await handles.close();
        await changes.close();
        await pools.close();
      },
    };
  },
};
