/**
 * The console's HTTP server: the UI shell on every page route, its one script, and a thin JSON API
 * that forwards to engine functions through an `EngineLink` (in-process for the `console` module, an
 * iii-sdk worker connection for the standalone `iii console`).
 *
 *   GET  /api/status   → {version, engine_url, http_port, traces}
 *   POST /api/call     {function_id, payload?, trace?} → api.ts
 *   GET  /api/events   ?kind=logs|stream&… → Server-Sent Events (events.ts)
 *   GET  /assets/app.js → the UI bundle, and the chunks it loads on demand (bundle.ts)
 *   GET  /, /functions, /traces/<id>, … → the UI shell (routes are resolved in the browser)
 */
import { readFileSync } from 'node:fs';
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { toErrorBody } from '@triad/engine';
import { admit, resolveToken } from './access.ts';
import { callEngine, send } from './api.ts';
import { type UiBundle, uiBundle } from './bundle.ts';
import { serveEvents } from './events.ts';
import type { EngineLink } from './link.ts';

export interface ConsoleServerOptions {
  host: string;
  port: number;
  link: EngineLink;
  version: string;
  engineUrl: string | null;
  /** Required from every request when set; required to exist when `host` is not loopback (access.ts). */
  token?: string;
}

export interface ConsoleServer {
  /** http://host:port the server ended up on. */
  readonly url: string;
  close(): Promise<void>;
}

const SHELL = readFileSync(new URL('./ui/index.html', import.meta.url));
const PAGES = 'dashboard|workers|functions|triggers|state|streams|queues|config|traces|logs';
// Any path below a page is that page (queue, topic and stream names hold dots: /queues/link.updated).
const PAGE_ROUTES = new RegExp(`^/(|${PAGES})(/.*)?$`);

export async function startConsoleServer(opts: ConsoleServerOptions): Promise<ConsoleServer> {
  const token = resolveToken(opts.host, opts.token, process.env);
  const ui = await uiBundle();
  const server = createServer((req, res) => {
    const url = new URL(req.url ?? '/', 'http://console');
    if (!admit(req, res, url, token)) return;
    handle(req, res, url, opts, ui, token !== undefined).catch((err: unknown) => {
      if (!res.headersSent) send(res, 500, { error: toErrorBody(err) });
    });
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(opts.port, opts.host, () => resolve());
  });
  const { port } = server.address() as AddressInfo;
  const url = `http://${opts.host.includes(':') ? `[${opts.host}]` : opts.host}:${port}`;
  opts.link.info(`console listening on ${url}`, {
    ui_bundle_bytes: ui.assets.get('app.js')?.js.length,
    ui_bundle_gzip_bytes: ui.assets.get('app.js')?.gzip.length,
    ui_bundle_ms: ui.ms,
  });
  return {
    url,
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}

async function handle(
  req: IncomingMessage,
  res: ServerResponse,
  url: URL,
  opts: ConsoleServerOptions,
  ui: UiBundle,
  tokenRequired: boolean,
): Promise<void> {
  const path = url.pathname;
  if (path === '/api/call') {
    if (req.method !== 'POST') return send(res, 405, { error: { code: 'E_CONSOLE_BAD_REQUEST', message: 'use POST' } });
    return callEngine(req, res, opts.link, tokenRequired);
  }
  if (req.method !== 'GET') return notFound(res, req, path);
  if (path === '/api/status') {
    const port = Number(new URL(`http://${req.headers.host ?? 'x'}`).port) || null;
    return send(res, 200, { version: opts.version, engine_url: opts.engineUrl, http_port: port, traces: opts.link.traces });
  }
  if (path === '/api/events') return serveEvents(req, res, url, opts.link);
  const asset = path.startsWith('/assets/') ? ui.assets.get(path.slice('/assets/'.length)) : undefined;
  if (asset) {
    if (req.headers['if-none-match'] === asset.etag) return void res.writeHead(304).end();
    const gzip = /\bgzip\b/.test(String(req.headers['accept-encoding'] ?? ''));
    const headers = {
      'content-type': 'text/javascript; charset=utf-8',
      'cache-control': 'no-cache',
      etag: asset.etag,
      vary: 'accept-encoding',
    };
    res.writeHead(200, gzip ? { ...headers, 'content-encoding': 'gzip' } : headers);
    return void res.end(gzip ? asset.gzip : asset.js);
  }
  if (PAGE_ROUTES.test(path)) {
    res.writeHead(200, { 'content-type': 'text/html; charset=utf-8', 'cache-control': 'no-cache' });
    return void res.end(SHELL);
  }
  notFound(res, req, path);
}

function notFound(res: ServerResponse, req: IncomingMessage, path: string): void {
  send(res, 404, { error: { code: 'E_CONSOLE_NOT_FOUND', message: `no route for ${req.method} ${path}` } });
}
