/**
 * The link worker's logic, free of wiring: `createHandlers(deps)` gets everything it talks to through
 * `deps`, so it runs in a unit test with a recording `trigger` and for real under `index.ts`.
 */
import { TriggerAction } from 'iii-sdk';
import { DB, type Dialect, INSERT_LINK, insertClick, isUniqueViolation, LIST_LINKS, SELECT_URL, UPDATE_URL } from './sql.ts';
import { asRecord, LinkError, parseCode, parseLimit, parseOptionalCode, parseUrl, randomCode } from './validate.ts';

type Action = ReturnType<typeof TriggerAction.Void> | ReturnType<typeof TriggerAction.Enqueue>;

export interface TriggerCall {
  function_id: string;
  payload: unknown;
  action?: Action;
  timeoutMs?: number;
}

export interface LogSink {
  info(message: string, data?: unknown): void;
  warn(message: string, data?: unknown): void;
  error(message: string, data?: unknown): void;
}

export interface LinkDeps {
  /** `worker.trigger` of the iii-sdk. */
  trigger(call: TriggerCall): Promise<unknown>;
  logger: LogSink;
  /** @default () => new Date() */
  now?: () => Date;
  /** @default 6 random [a-z0-9] */
  newCode?: () => string;
  /** Delay before a click is written (LINKLY_SLOW_CLICK_MS), to show that redirects do not wait for it. @default 0 */
  slowClickMs?: number;
  /** Which SQL `primary` speaks (index.ts asks the database worker at boot). @default () => 'sqlite' */
  dialect?: () => Dialect;
}

export interface Link {
  code: string;
  url: string;
}

export interface LinkRow extends Link {
  created_at: string;
  clicks: number;
  last_click_at: string | null;
}

/** A random code can collide with an existing one; try a few before giving up. */
const RANDOM_CODE_ATTEMPTS = 5;
const SCOPE = 'links';

export function createHandlers(deps: LinkDeps) {
  const now = deps.now ?? (() => new Date());
  const newCode = deps.newCode ?? (() => randomCode());
  const dialect = deps.dialect ?? (() => 'sqlite');
  const { trigger, logger } = deps;

  const execute = (sql: string, params: unknown[]) => trigger({ function_id: 'database::execute', payload: { db: DB, sql, params } });
  const query = async (sql: string, params: unknown[]): Promise<Record<string, unknown>[]> => {
    const result = asRecord(await trigger({ function_id: 'database::query', payload: { db: DB, sql, params } }));
    return Array.isArray(result.rows) ? result.rows.map(asRecord) : [];
  };
  const cache = (code: string, url: string) => trigger({ function_id: 'state::set', payload: { scope: SCOPE, key: code, value: { url } } });

  /** INSERT with the given code, or with fresh random codes until one is free. */
  async function insertLink(explicit: string | undefined, url: string): Promise<string> {
    const attempts = explicit ? 1 : RANDOM_CODE_ATTEMPTS;
    for (let i = 0; i < attempts; i++) {
      const code = explicit ?? newCode();
      try {
        await execute(INSERT_LINK, [code, url, now().toISOString()]);
        return code;
      } catch (err) {
        if (!isUniqueViolation(err)) throw err;
        if (explicit) throw new LinkError('E_LINK_CODE_TAKEN', `code "${code}" is already taken`);
      }
    }
    throw new LinkError('E_LINK_CODE_TAKEN', 'could not find a free random code');
  }

  return {
    /** link::create {url, code?} → {code, url} */
    async create(input: unknown): Promise<Link> {
      const rec = asRecord(input);
      const url = parseUrl(rec.url);
      const code = await insertLink(parseOptionalCode(rec.code), url);
      await cache(code, url);
      await trigger({ function_id: 'publish', payload: { topic: 'link.created', data: { code, url } } });
      logger.info('link created', { code, url });
      return { code, url };
    },

    /** link::resolve {code} → {url} or {url: null}: the state cache first, then SQL (which warms the cache). */
    async resolve(input: unknown): Promise<{ url: string | null }> {
      let code: string;
      try {
        code = parseCode(asRecord(input).code);
      } catch {
        return { url: null };
      }
      const cached = asRecord(await trigger({ function_id: 'state::get', payload: { scope: SCOPE, key: code } }));
      if (typeof cached.url === 'string') return { url: cached.url };
      const [row] = await query(SELECT_URL, [code]);
      if (!row || typeof row.url !== 'string') return { url: null };
      await cache(code, row.url);
      return { url: row.url };
    },

    /** link::record_click {code, clicked_at, click_id?} → {recorded: true}; runs from the `clicks` queue. */
    async recordClick(input: unknown): Promise<{ recorded: true }> {
      const rec = asRecord(input);
      const code = parseCode(rec.code);
      const clicked_at = typeof rec.clicked_at === 'string' ? rec.clicked_at : now().toISOString();
      if (deps.slowClickMs) await new Promise((r) => setTimeout(r, deps.slowClickMs));
      const clickId = typeof rec.click_id === 'string' && rec.click_id !== '' ? rec.click_id : null;
      await execute(insertClick(dialect()), [code, clicked_at, clickId]);
      // Fire and forget: a live counter can live with a dropped event, the click row is already safe.
      // Published again when a redelivered job inserted nothing: the event may have died with the first
      // attempt, and click-streamer's item id (code + clicked_at) turns a repeat into an update, not a new click.
      trigger({
        function_id: 'publish',
        payload: { topic: 'link.clicked', data: { code, clicked_at } },
        action: TriggerAction.Void(),
      }).catch((err: unknown) => logger.warn('link.clicked not published', { code, error: String(err) }));
      return { recorded: true };
    },

    /** link::update {code, url} → {code, url}; caches refresh through durable pub/sub (link.updated). */
    async update(input: unknown): Promise<Link> {
      const rec = asRecord(input);
      const code = parseCode(rec.code);
      const url = parseUrl(rec.url);
      const result = asRecord(await execute(UPDATE_URL, [url, code]));
      if (result.affected_rows === 0) throw new LinkError('E_LINK_NOT_FOUND', 'link not found');
      await trigger({ function_id: 'iii::durable::publish', payload: { topic: 'link.updated', data: { code, url } } });
      logger.info('link updated', { code, url });
      return { code, url };
    },

    /** link::on_link_updated {code, url} (durable:subscriber link.updated) → refresh the state cache. */
    async onLinkUpdated(input: unknown): Promise<{ refreshed: true }> {
      const rec = asRecord(input);
      const code = parseCode(rec.code);
      const url = parseUrl(rec.url);
      await cache(code, url);
      return { refreshed: true };
    },

    /**
     * link::list {limit?} → {links}: links, newest first, with their click totals from SQL (so they survive
     * a restart, unlike the in-memory `clicks` stream). `GET /links` and the dashboard view start from it.
     */
    async list(input: unknown): Promise<{ links: LinkRow[] }> {
      const rows = await query(LIST_LINKS, [parseLimit(asRecord(input).limit)]);
      return {
        links: rows.map((r) => ({
          code: String(r.code),
          url: String(r.url),
          created_at: String(r.created_at),
          clicks: Number(r.clicks ?? 0),
          last_click_at: typeof r.last_click_at === 'string' ? r.last_click_at : null,
        })),
      };
    },
  };
}

export type LinkHandlers = ReturnType<typeof createHandlers>;
