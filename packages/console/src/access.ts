/**
 * Who may use the console. It can invoke any function, so it binds 127.0.0.1 by default; bound to
 * any other address it refuses to start without a token, and with a token every request must carry
 * it (401 otherwise). The token is accepted as `Authorization: Bearer <token>`, or once as
 * `?token=<token>` on a page, which sets an HttpOnly cookie so the UI's own API calls carry it.
 */
import { timingSafeEqual } from 'node:crypto';
import type { IncomingMessage, ServerResponse } from 'node:http';
import { EngineError } from '@triad/engine';

/** The environment variable read when no token is configured. */
export const TOKEN_ENV = 'III_CONSOLE_TOKEN';
const COOKIE = 'iii_console_token';

export function isLoopback(host: string): boolean {
  return host === 'localhost' || host === '::1' || /^127\.\d+\.\d+\.\d+$/.test(host);
}

/** The token in force: the configured one, else $III_CONSOLE_TOKEN; required beyond loopback. */
export function resolveToken(host: string, configured: string | undefined, env: NodeJS.ProcessEnv): string | undefined {
  const token = configured || env[TOKEN_ENV] || undefined;
  if (token === undefined && !isLoopback(host))
    throw new EngineError(
      'E_CONSOLE_TOKEN_REQUIRED',
      `the console is bound to ${host}, beyond this machine, and can invoke any function: it needs a token (config key \`token\` or $${TOKEN_ENV})`,
    );
  return token;
}

function same(a: string, b: string): boolean {
  const x = Buffer.from(a);
  const y = Buffer.from(b);
  return x.length === y.length && timingSafeEqual(x, y);
}

function presented(req: IncomingMessage, url: URL): { token: string | undefined; fromQuery: boolean } {
  const auth = req.headers.authorization;
  if (auth?.startsWith('Bearer ')) return { token: auth.slice(7), fromQuery: false };
  const query = url.searchParams.get('token');
  if (query !== null) return { token: query, fromQuery: true };
  const cookie = (req.headers.cookie ?? '').split(/;\s*/).find((c) => c.startsWith(`${COOKIE}=`));
  return { token: cookie ? decodeURIComponent(cookie.slice(COOKIE.length + 1)) : undefined, fromQuery: false };
}

/** true when the request may go on; otherwise a 401 has been sent. */
export function admit(req: IncomingMessage, res: ServerResponse, url: URL, token: string | undefined): boolean {
  if (token === undefined) return true;
  const got = presented(req, url);
  if (got.token !== undefined && same(got.token, token)) {
    if (got.fromQuery) res.setHeader('set-cookie', `${COOKIE}=${encodeURIComponent(token)}; HttpOnly; SameSite=Strict; Path=/`);
    return true;
  }
  res.writeHead(401, { 'content-type': 'application/json', 'www-authenticate': 'Bearer realm="iii console"' });
  res.end(
    JSON.stringify({
      error: {
        code: 'E_CONSOLE_UNAUTHORIZED',
        message: `this console requires its token: Authorization: Bearer <token>, or ?token=<token> once`,
      },
    }),
  );
  return false;
}
