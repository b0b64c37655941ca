/**
 * The console's HTTP server: the single-page UI on every page route, and a thin JSON API that
 * forwards calls to engine functions through whatever `call` it is given (in-process engine API for
 * the `console` module, an iii-sdk worker connection for the standalone `iii console`).
 *
 *   GET  /api/status  → {version, engine_url, http_port}
 *   POST /api/call    {function_id, payload?} → 200 {result} | 502 {error:{code,message}} | 400 on bad input
 *   GET  /, /traces, /traces/<id>, /logs, ... → the UI (routes are resolved in the browser)
 */
import { readFileSync } from 'node:fs';
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { check, formatIssues, toErrorBody, z } from '@triad/engine';
import { admit, resolveToken } from './access.ts';

export type CallEngine = (functionId: string, payload: unknown) => Promise<unknown>;

export interface ConsoleServerOptions {
  host: string;
  port: number;
  call: CallEngine;
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

/** Requests larger than this are refused: the API carries function payloads, not uploads. */
const MAX_BODY_BYTES = 1024 * 1024;
const callInput = z.strictObject({ function_id: z.string().min(1), payload: z.unknown().optional() });
const PAGE = readFileSync(new URL('./ui/index.html', import.meta.url));
const PAGE_ROUTES = /^\/(|workers|functions|triggers|traces|logs)(\/[^.]*)?$/;

export async function startConsoleServer(opts: ConsoleServerOptions): Promise<ConsoleServer> {
  const token = resolveToken(opts.host, opts.token, process.env);
  const server = createServer((req, res) => {
    if (!admit(req, res, new URL(req.url ?? '/', 'http://console'), token)) return;
    handle(req, res, opts).catch((err: unknown) => send(res, 500, { error: toErrorBody(err) }));
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(opts.port, opts.host, () => resolve());
  });
  const { port } = server.address() as AddressInfo;
  const url = `http://${opts.host.includes(':') ? `[${opts.host}]` : opts.host}:${port}`;
  return {
    url,
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}

async function handle(req: IncomingMessage, res: ServerResponse, opts: ConsoleServerOptions): Promise<void> {
  const path = new URL(req.url ?? '/', 'http://console').pathname;
  if (req.method === 'GET' && path === '/api/status') {
    const port = Number(new URL(`http://${req.headers.host ?? 'x'}`).port) || null;
    return send(res, 200, { version: opts.version, engine_url: opts.engineUrl, http_port: port });
  }
  if (path === '/api/call') {
    if (req.method !== 'POST') return send(res, 405, { error: { code: 'E_CONSOLE_BAD_REQUEST', message: 'use POST' } });
    return callEngine(req, res, opts.call);
  }
  if (req.method === 'GET' && PAGE_ROUTES.test(path)) {
    res.writeHead(200, { 'content-type': 'text/html; charset=utf-8', 'cache-control': 'no-cache' });
    res.end(PAGE);
    return;
  }
  send(res, 404, { error: { code: 'E_CONSOLE_NOT_FOUND', message: `no route for ${req.method} ${path}` } });
}

async function callEngine(req: IncomingMessage, res: ServerResponse, call: CallEngine): Promise<void> {
  const raw = await readBody(req);
  if (raw === undefined) return send(res, 413, { error: { code: 'E_CONSOLE_BAD_REQUEST', message: `body over ${MAX_BODY_BYTES} bytes` } });
  let body: unknown;
  try {
    body = JSON.parse(raw || '{}');
  } catch {
    return send(res, 400, { error: { code: 'E_CONSOLE_BAD_REQUEST', message: 'body is not JSON' } });
  }
  const parsed = check(callInput, body);
  if (!parsed.ok) return send(res, 400, { error: { code: 'E_CONSOLE_BAD_REQUEST', message: formatIssues(parsed.issues) } });
  try {
    const result = await call(parsed.value.function_id, parsed.value.payload ?? {});
    send(res, 200, { result: result ?? null });
  } catch (err) {
    send(res, 502, { error: toErrorBody(err) });
  }
}

function readBody(req: IncomingMessage): Promise<string | undefined> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let size = 0;
    req.on('data', (c: Buffer) => {
      size += c.length;
      if (size <= MAX_BODY_BYTES) chunks.push(c);
    });
    req.on('end', () => resolve(size > MAX_BODY_BYTES ? undefined : Buffer.concat(chunks).toString('utf8')));
    req.on('error', reject);
  });
}

function send(res: ServerResponse, status: number, body: unknown): void {
  res.writeHead(status, { 'content-type': 'application/json' });
  res.end(JSON.stringify(body));
}
