/**
 * The trusted listener's shared secret. A listener without `rbac` lets any connected worker run any
 * function (SQL through `database::execute` included) and register ids other workers serve, so it binds
 * 127.0.0.1 by default; bound anywhere else it requires a secret every socket presents, as
 * `Authorization: Bearer <secret>` (the SDK's `headers` option), `?secret=<secret>`, or the path prefix
 * `/secret/<secret>` (see transport/secret-path.ts).
 */
import { createHash, timingSafeEqual } from 'node:crypto';
import type { IncomingMessage } from 'node:http';
import { isIP } from 'node:net';
import { EngineError } from '../../core/errors/engine-error.ts';
import { secretFromPath } from '../../transport/secret-path.ts';

/** Environment variable read when the entry has no `secret` key. */
export const SECRET_ENV = 'III_ENGINE_SECRET';

/** 127.0.0.0/8, ::1 and `localhost`: only this machine can connect. */
export function isLoopbackHost(host: string): boolean {
  const h = host.replace(/^\[|\]$/g, '').toLowerCase();
  if (h === 'localhost' || h === '::1') return true;
  if (h.startsWith('::ffff:')) return isLoopbackHost(h.slice(7));
  return isIP(h) === 4 && h.startsWith('127.');
}

/**
 * The secret this listener requires (undefined = none). Throws E_LISTENER_NO_SECRET when a trusted
 * listener is bound beyond loopback with no secret and no explicit `allow_unauthenticated: true`.
 */
export function resolveSecret(
  config: { host: string; port: number; secret?: string | undefined; allow_unauthenticated: boolean; rbac?: unknown },
  env: NodeJS.ProcessEnv,
): string | undefined {
  // RBAC listeners have their own auth function (browsers cannot send the engine secret).
  if (config.rbac !== undefined) return undefined;
  const secret = config.secret || env[SECRET_ENV] || undefined;
  if (secret || isLoopbackHost(config.host) || config.allow_unauthenticated) return secret;
  throw new EngineError(
    'E_LISTENER_NO_SECRET',
    `iii-worker-manager on ${config.host}:${config.port} is reachable from other machines but has no secret: ` +
      `set \`secret\` in its config (or ${SECRET_ENV}), bind host 127.0.0.1, or set allow_unauthenticated: true`,
  );
}

/** What the socket presented: the bearer header first, then `?secret=`, then the `/secret/<s>` prefix. */
export function presentedSecret(req: IncomingMessage): string | undefined {
  const auth = req.headers.authorization;
  if (auth?.startsWith('Bearer ')) return auth.slice(7).trim();
  const url = new URL(req.url ?? '/', 'http://x');
  const q = url.searchParams.get('secret');
  if (q !== null) return q;
  return secretFromPath(url.pathname);
}

/** Constant-time: both sides are hashed to 32 bytes first, so neither length nor content leaks through timing. */
export function secretMatches(expected: string, presented: string | undefined): boolean {
  if (presented === undefined) return false;
  const a = createHash('sha256').update(expected).digest();
  const b = createHash('sha256').update(presented).digest();
  return timingSafeEqual(a, b);
}
