/**
 * HTTP-facing functions (`http::*`). As in the tutorial they call `link::*` through the engine, so a
 * redirect's trace reads `GET /s/:code` → `http::redirect` → `link::resolve`.
 */
import { randomUUID } from 'node:crypto';
import { TriggerAction } from 'iii-sdk';
import type { Link, LogSink, TriggerCall } from './handlers.ts';
import { asLinkError, asRecord, DEFAULT_LIST_LIMIT, MAX_LIST_LIMIT, parseOptionalCode, parseUrl } from './validate.ts';

export interface HttpResponse {
  status_code: number;
  headers?: Record<string, string>;
  body?: unknown;
}

export interface HttpDeps {
  trigger(call: TriggerCall): Promise<unknown>;
  logger: LogSink;
  now?: () => Date;
  /** The queue clicks go through. @default 'clicks' */
  clicksQueue?: string;
}

const JSON_HEADERS = { 'Content-Type': 'application/json' };

function json(status_code: number, body: unknown): HttpResponse {
  return { status_code, headers: JSON_HEADERS, body };
}

/** LinkErrors become `{error, code}` with their status; anything else is the engine's 500. */
function toErrorResponse(err: unknown): HttpResponse {
  const linkError = asLinkError(err);
  if (!linkError) throw err;
  return json(linkError.status, { error: linkError.detail, code: linkError.code });
}

function toLink(value: unknown): Link {
  const rec = asRecord(value);
  return { code: String(rec.code), url: String(rec.url) };
}

/** A query string is typed by hand: anything unusable means the default, and too many means the most. */
function queryLimit(raw: unknown): number {
  const n = typeof raw === 'string' ? Number.parseInt(raw, 10) : Number.NaN;
  if (!Number.isFinite(n) || n < 1) return DEFAULT_LIST_LIMIT;
  return Math.min(n, MAX_LIST_LIMIT);
}

export function createHttpHandlers(deps: HttpDeps) {
  const now = deps.now ?? (() => new Date());
  const { trigger } = deps;

  return {
    /** POST /links {url, code?} → 201 link | 400 | 409 */
    async create(req: unknown): Promise<HttpResponse> {
      const body = asRecord(asRecord(req).body);
      try {
        // Checked here too so a bad request costs no round trip to link::create.
        parseUrl(body.url);
        parseOptionalCode(body.code);
        const link = toLink(await trigger({ function_id: 'link::create', payload: { url: body.url, code: body.code } }));
        return json(201, link);
      } catch (err) {
        return toErrorResponse(err);
      }
    },

    /** GET /s/:code → 302 Location | 404. The click is queued, never awaited past the queue's receipt. */
    async redirect(req: unknown): Promise<HttpResponse> {
      const code = asRecord(asRecord(req).path_params).code;
      const { url } = asRecord(await trigger({ function_id: 'link::resolve', payload: { code } }));
      if (typeof url !== 'string') return json(404, { error: 'link not found' });
      try {
        await trigger({
          function_id: 'link::record_click',
          payload: { code, clicked_at: now().toISOString(), click_id: randomUUID() },
          action: TriggerAction.Enqueue({ queue: deps.clicksQueue ?? 'clicks' }),
        });
      } catch (err) {
        // The visitor still gets where they were going; a lost click is logged, not turned into a 500.
        deps.logger.error('click not queued', { code, error: String(err) });
      }
      return { status_code: 302, headers: { Location: url } };
    },

    /** PUT /links/:code {url} → 200 link | 400 | 404 */
    async update(req: unknown): Promise<HttpResponse> {
      const rec = asRecord(req);
      const code = asRecord(rec.path_params).code;
      const body = asRecord(rec.body);
      try {
        return json(200, toLink(await trigger({ function_id: 'link::update', payload: { code, url: body.url } })));
      } catch (err) {
        return toErrorResponse(err);
      }
    },

    /** GET /links?limit=N → {links: [{code, url, created_at, clicks, last_click_at}]} (link::list) */
    async list(req: unknown): Promise<HttpResponse> {
      const limit = queryLimit(asRecord(asRecord(req).query_params).limit);
      return json(200, await trigger({ function_id: 'link::list', payload: { limit } }));
    },
  };
}
