/**
 * CORS (workers.md §1.7). `cors` absent → fully permissive; `allowed_origins` empty or with `"*"` →
 * any origin; `allowed_methods` empty → any method; any request header is allowed. Preflight
 * `OPTIONS` requests are answered here and never reach a route.
 */
import type { IncomingHttpHeaders } from 'node:http';
import type { Logger } from '../../util/logger.ts';
import type { CorsConfig } from './config.ts';

export interface CorsPolicy {
  /** True for an `OPTIONS` request carrying `origin` and `access-control-request-method`. */
  isPreflight(method: string, headers: IncomingHttpHeaders): boolean;
  /** Headers for a preflight answer (status 200, empty body). */
  preflight(headers: IncomingHttpHeaders): Array<[string, string]>;
  /** Headers added to every other response of a cross-origin request. */
  actual(headers: IncomingHttpHeaders): Array<[string, string]>;
}

export function createCorsPolicy(cfg: CorsConfig | undefined, log?: Logger): CorsPolicy {
  const origins = cfg?.allowed_origins ?? [];
  const anyOrigin = origins.length === 0 || origins.includes('*');
  if (anyOrigin && origins.length > 1) log?.warn('cors.allowed_origins mixes "*" with explicit origins; any origin is allowed');
  const allowed = new Set(origins);
  const methods = (cfg?.allowed_methods ?? []).map((m) => m.toUpperCase());
  const methodsValue = methods.length === 0 ? '*' : methods.join(',');

  const originHeaders = (headers: IncomingHttpHeaders): Array<[string, string]> | undefined => {
    const origin = headers.origin;
    if (origin === undefined) return undefined;
    if (anyOrigin) return [['access-control-allow-origin', '*']];
    if (!allowed.has(origin)) return undefined;
    return [
      ['access-control-allow-origin', origin],
      ['vary', 'origin'],
    ];
  };

  return {
    isPreflight: (method, headers) =>
      method === 'OPTIONS' && headers.origin !== undefined && headers['access-control-request-method'] !== undefined,
    preflight(headers) {
      const base = originHeaders(headers);
      if (!base) return [];
      const requested = headers['access-control-request-headers'];
      return [
        ...base,
        ['access-control-allow-methods', methodsValue],
        ['access-control-allow-headers', typeof requested === 'string' && requested !== '' ? requested : '*'],
        ['access-control-max-age', '600'],
      ];
    },
    actual(headers) {
      const base = originHeaders(headers);
      if (!base) return [];
      return cfg === undefined ? [...base, ['access-control-expose-headers', '*']] : base;
    },
  };
}
