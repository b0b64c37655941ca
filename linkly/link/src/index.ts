/**
 * The `link` worker: creates, resolves, updates and lists short links, and records clicks.
 * Wiring only: the logic lives in handlers.ts / http-handlers.ts.
 */
import { Logger } from '@iii-dev/helpers/observability';
import { registerWorker } from 'iii-sdk';
import { createDeleteHandlers } from './delete.ts';
import { createHandlers } from './handlers.ts';
import { createHttpHandlers } from './http-handlers.ts';
import { ADD_CLICK_ID, CLICK_ID_INDEX, DB, type Dialect, dialectOf, isDuplicateColumn, schema } from './sql.ts';

const worker = registerWorker(process.env.III_URL ?? 'ws://localhost:49134', {
  workerName: 'link',
});
const logger = new Logger();

/** Which SQL `primary` speaks; known before any route goes live (ensureSchema). */
let dialect: Dialect = 'sqlite';

const link = createHandlers({
  trigger: (call) => worker.trigger(call),
  logger,
  dialect: () => dialect,
  slowClickMs: Number(process.env.LINKLY_SLOW_CLICK_MS ?? 0) || 0,
});

const http = createHttpHandlers({
  trigger: (call) => worker.trigger(call),
  logger,
  clicksQueue: process.env.LINKLY_CLICKS_QUEUE || 'clicks',
});

// JSON Schemas: `iii trigger link::create --help` renders them as a parameter table.
const codeSchema = { type: 'string', description: '1-64 characters of A-Z a-z 0-9 _ -' };
const urlSchema = { type: 'string', description: 'http(s) URL; https:// is added when the scheme is missing' };

worker.registerFunction('link::create', (input) => link.create(input), {
  description: 'Create a short link: {url, code?} → {code, url}',
  request_format: { type: 'object', properties: { url: urlSchema, code: codeSchema }, required: ['url'] },
});
worker.registerFunction('link::resolve', (input) => link.resolve(input), {
  description: 'Resolve a code: {code} → {url} or {url: null}',
  request_format: { type: 'object', properties: { code: codeSchema }, required: ['code'] },
});
worker.registerFunction('link::record_click', (input) => link.recordClick(input), {
  description: 'Record one click (runs from the clicks queue)',
});
worker.registerFunction('link::update', (input) => link.update(input), {
  description: 'Point a code at a new URL: {code, url} → {code, url}',
  request_format: { type: 'object', properties: { code: codeSchema, url: urlSchema }, required: ['code', 'url'] },
});
worker.registerFunction('link::list', (input) => link.list(input), {
  description: 'Links, newest first, with click totals from SQL: {limit?} → {links: [{code, url, created_at, clicks, last_click_at}]}',
  request_format: { type: 'object', properties: { limit: { type: 'integer', description: '1-500, default 100' } } },
});
worker.registerFunction('link::on_link_updated', (input) => link.onLinkUpdated(input), {
  description: 'Refresh the cache on link.updated',
});

const deletes = createDeleteHandlers({ trigger: (call) => worker.trigger(call), logger });
worker.registerFunction('link::delete', (input) => deletes.delete(input), {
  description: 'Delete a link now (trusted callers only): {code} → {code, deleted: true}',
  request_format: { type: 'object', properties: { code: codeSchema }, required: ['code'] },
});
worker.registerFunction('link::request_delete', (input) => deletes.requestDelete(input), {
  description: 'Ask the browser (user::confirm_destructive_op) and delete only if confirmed: {code} → {code, deleted}',
  request_format: { type: 'object', properties: { code: codeSchema }, required: ['code'] },
});

worker.registerFunction('http::create', (req) => http.create(req));
worker.registerFunction('http::redirect', (req) => http.redirect(req));
worker.registerFunction('http::update', (req) => http.update(req));
worker.registerFunction('http::list_links', (req) => http.list(req));

/** The database worker may still be starting when we connect: retry the DDL until it answers. */
async function ensureSchema(): Promise<void> {
  for (let attempt = 1; ; attempt++) {
    try {
      const execute = (sql: string) => worker.trigger({ function_id: 'database::execute', payload: { db: DB, sql } });
      dialect = await primaryDialect();
      for (const sql of schema(dialect)) await execute(sql);
      // MySQL tables are created with click ids (sql.ts); older SQLite/PostgreSQL ones get the column (linkly/data from an older run).
      if (dialect === 'mysql') return;
      await execute(ADD_CLICK_ID).catch((err: unknown) => {
        if (!isDuplicateColumn(err)) throw err;
      });
      await execute(CLICK_ID_INDEX);
      return;
    } catch (err) {
      if (attempt % 10 === 1) logger.warn('database not ready, retrying', { attempt, error: String(err) });
      await new Promise((r) => setTimeout(r, Math.min(100 * attempt, 2000)));
    }
  }
}

/** The database worker says which driver serves `primary` (config/database.yaml); not listed yet → retried. */
async function primaryDialect(): Promise<Dialect> {
  const found = dialectOf(await worker.trigger({ function_id: 'database::listDatabases', payload: {} }), DB);
  if (!found) throw new Error(`database "${DB}" is not configured (yet)`);
  return found;
}

function route(function_id: string, http_method: string, api_path: string): void {
  worker.registerTrigger({ type: 'http', function_id, config: { api_path, http_method } });
}

// Routes go live only once the tables exist, so a request never meets a missing table.
await ensureSchema();
route('http::create', 'POST', '/links');
route('http::redirect', 'GET', '/s/:code');
route('http::update', 'PUT', '/links/:code');
route('http::list_links', 'GET', '/links');
worker.registerTrigger({ type: 'durable:subscriber', function_id: 'link::on_link_updated', config: { topic: 'link.updated' } });

logger.info('link worker ready', { routes: ['POST /links', 'GET /s/:code', 'PUT /links/:code', 'GET /links'] });
