/**
 * A short-lived connection to a running engine through the real iii-sdk, for one-shot calls
 * (`iii trigger`, `iii worker list`).
 *
 * Why the TCP probe first: the SDK queues calls while it (re)connects, so a dead engine would only
 * show up as a timeout after `--timeout-ms` (30 s). A plain connect tells us in milliseconds and lets
 * us name the address we tried.
 */
import { randomBytes } from 'node:crypto';
import { request as httpRequest } from 'node:http';
import { request as httpsRequest } from 'node:https';
import type { IIIClient } from 'iii-sdk';
import { CliError } from './output/cli-error.ts';

/** @default 'ws://127.0.0.1:49134' */
export const DEFAULT_ENGINE_URL = 'ws://127.0.0.1:49134';

export interface EngineTarget {
  url: string;
  host: string;
  port: number;
  /** `ws+unix:///path.sock:/…` (what `iii` gives its local workers): the socket file; host and port are unused. */
  socketPath?: string;
  /** $III_ENGINE_SECRET: sent as `Authorization: Bearer …` (an engine bound beyond loopback requires it). */
  secret?: string;
}

/** Resolve the engine URL: `--url`, else `--address`/`--port`, else `$III_URL`, else the default. */
export function resolveTarget(opts: { url?: string; address?: string; port?: string; env?: NodeJS.ProcessEnv }): EngineTarget {
  let url = opts.url;
  if (url === undefined && (opts.address !== undefined || opts.port !== undefined)) {
    const host = opts.address ?? '127.0.0.1';
    url = `ws://${host.includes(':') ? `[${host}]` : host}:${opts.port ?? '49134'}`;
  }
  url ??= opts.env?.III_URL || DEFAULT_ENGINE_URL;
  const secret = opts.env?.III_ENGINE_SECRET;
  return { ...parseTarget(url), ...(secret ? { secret } : {}) };
}

function parseTarget(url: string): EngineTarget {
  let parsed: URL;
  try {
    parsed = new URL(url);
  } catch {
    throw new CliError('E_CLI_BAD_ARGS', `not a valid engine URL: \`${url}\``, 'use e.g. ws://127.0.0.1:49134');
  }
  if (parsed.protocol === 'ws+unix:') return unixTarget(url, parsed);
  if (parsed.protocol !== 'ws:' && parsed.protocol !== 'wss:')
    throw new CliError('E_CLI_BAD_ARGS', `engine URL must be ws://, wss:// or ws+unix://, got \`${url}\``);
  const port = parsed.port === '' ? (parsed.protocol === 'wss:' ? 443 : 80) : Number(parsed.port);
  if (!Number.isInteger(port) || port < 1 || port > 65535) throw new CliError('E_CLI_BAD_ARGS', `invalid engine port in \`${url}\``);
  return { url, host: parsed.hostname.replace(/^\[|\]$/g, ''), port };
}

/** `ws+unix:///abs/path.sock:/route` → the socket file before the first `:`, as `ws` splits it. */
function unixTarget(url: string, parsed: URL): EngineTarget {
  const socketPath = parsed.pathname.split(':')[0] ?? '';
  if (socketPath === '' || socketPath === '/')
    throw new CliError('E_CLI_BAD_ARGS', `no socket path in \`${url}\``, 'use e.g. ws+unix:///tmp/iii.sock:/');
  return { url, host: 'localhost', port: 0, socketPath };
}

/** The HTTP path of the upgrade: after the socket path's `:` for ws+unix, else the URL's path and query. */
function upgradePath(target: EngineTarget): string {
  const u = new URL(target.url);
  if (target.socketPath === undefined) return u.pathname + u.search;
  const colon = u.pathname.indexOf(':');
  return (colon >= 0 ? u.pathname.slice(colon + 1) || '/' : '/') + u.search;
}

/**
 * Resolve when the address accepts a WebSocket upgrade (what the SDK is about to do); otherwise
 * E_CLI_ENGINE_UNREACHABLE: refused, silent, or something that is not an engine (e.g. the HTTP port).
 * The probe socket is dropped right after the 101, before any frame, so the engine registers nothing.
 */
export function probe(target: EngineTarget, timeoutMs: number): Promise<void> {
  return new Promise((resolve, reject) => {
    const secure = target.url.startsWith('wss:');
    const req = (secure ? httpsRequest : httpRequest)({
      ...(target.socketPath !== undefined ? { socketPath: target.socketPath } : { host: target.host, port: target.port }),
      path: upgradePath(target),
      timeout: timeoutMs,
      headers: {
        Connection: 'Upgrade',
        Upgrade: 'websocket',
        'Sec-WebSocket-Version': '13',
        'Sec-WebSocket-Key': randomBytes(16).toString('base64'),
        ...authHeaders(target),
      },
    });
    const fail = (why: string): void => {
      req.destroy();
      reject(
        new CliError(
          'E_CLI_ENGINE_UNREACHABLE',
          `cannot reach the engine at ${target.url} (${why})`,
          'start it with `iii` in your project folder, or pass --url / --address / --port',
        ),
      );
    };
    req.once('upgrade', (_res, socket) => {
      socket.destroy();
      resolve();
    });
    req.once('response', (res) => {
      res.resume();
      fail(`answered HTTP ${res.statusCode}: not an iii engine worker socket`);
    });
    req.once('timeout', () => fail(`no answer within ${timeoutMs} ms`));
    req.once('error', (err: NodeJS.ErrnoException) => fail(err.code ?? err.message));
    req.end();
  });
}

/** Probe, then run `fn` with a connected SDK client; the client is always shut down. */
export async function withEngine<T>(target: EngineTarget, timeoutMs: number, fn: (client: IIIClient) => Promise<T>): Promise<T> {
  await probe(target, Math.min(timeoutMs, 5_000));
  // Loaded on demand: the SDK takes most of the CLI's start-up time and only this path needs it.
  const { registerWorker } = await import('iii-sdk');
  const restoreConsole = quietConsole();
  const client = registerWorker(target.url, {
    workerName: 'iii-cli',
    otel: { enabled: false },
    enableMetricsReporting: false,
    invocationTimeoutMs: timeoutMs,
    // One attempt only: a CLI call must fail, not retry in the background.
    reconnectionConfig: { maxRetries: 0 },
    headers: authHeaders(target),
  });
  try {
    return await fn(client);
  } finally {
    await client.shutdown();
    restoreConsole();
  }
}

/** `Authorization: Bearer <secret>` when the target has a secret. */
export function authHeaders(target: EngineTarget): Record<string, string> {
  return target.secret ? { authorization: `Bearer ${target.secret}` } : {};
}

/**
 * The SDK chats on `console.debug` (stdout: "[iii] Worker registered…", "[OTel] … disabled"), which
 * would corrupt the JSON `iii trigger` prints there. Our own output never goes through `console`.
 */
function quietConsole(): () => void {
  const saved = { debug: console.debug, log: console.log, info: console.info };
  const mute = (): void => {};
  console.debug = mute;
  console.log = mute;
  console.info = mute;
  return () => Object.assign(console, saved);
}

/** Wire error body carried by the SDK's InvocationError (`code`, `message` without the `code: ` prefix). */
export function remoteError(err: unknown): { code: string; message: string } | undefined {
  if (!(err instanceof Error)) return undefined;
  const code = (err as Error & { code?: unknown }).code;
  if (typeof code !== 'string') return undefined;
  const prefix = `${code}: `;
  return { code, message: err.message.startsWith(prefix) ? err.message.slice(prefix.length) : err.message };
}
