/** URL checks for HTTP-invoked functions: scheme, host allow-list, private/loopback addresses. */
import { isIP } from 'node:net';
import { EngineError } from '../../core/errors/index.ts';
import type { HttpFunctionsConfig } from './config.ts';

function globMatch(glob: string, value: string): boolean {
  const re = new RegExp(`^${glob.replace(/[.+?^${}()|[\]\\]/g, '\\$&').replace(/\*/g, '.*')}$`, 'i');
  return re.test(value);
}

/** Loopback, private, link-local and unique-local ranges (IPv4-mapped IPv6 unwrapped first). */
export function isPrivateAddress(host: string): boolean {
  let h = host.replace(/^\[|\]$/g, '').toLowerCase();
  if (h.startsWith('::ffff:')) h = h.slice(7);
  if (h === 'localhost' || h.endsWith('.localhost')) return true;
  if (isIP(h) === 4) {
    const [a, b] = h.split('.').map(Number) as [number, number];
    return (
      a === 10 ||
      a === 127 ||
      a === 0 ||
      (a === 172 && b >= 16 && b <= 31) ||
      (a === 192 && b === 168) ||
      (a === 169 && b === 254) ||
      (a === 100 && b >= 64 && b <= 127)
    );
  }
  if (isIP(h) === 6) return h === '::1' || h === '::' || h.startsWith('fc') || h.startsWith('fd') || h.startsWith('fe80');
  return false;
}

export function checkUrl(raw: string, cfg: HttpFunctionsConfig['security']): URL {
  let url: URL;
  try {
    url = new URL(raw);
  } catch {
    throw new EngineError('url_validation_failed', `'${raw}' is not a valid URL`);
  }
  if (url.protocol !== 'https:' && !(url.protocol === 'http:' && !cfg.require_https)) {
    throw new EngineError(
      'url_validation_failed',
      `'${raw}': ${cfg.require_https ? 'https is required' : 'only http and https URLs are allowed'}`,
    );
  }
  if (!cfg.url_allowlist.some((g) => globMatch(g, url.hostname)))
    throw new EngineError('url_validation_failed', `host '${url.hostname}' is not in security.url_allowlist`);
  if (cfg.block_private_ips && isPrivateAddress(url.hostname))
    throw new EngineError('url_validation_failed', `host '${url.hostname}' is a private or loopback address (security.block_private_ips)`);
  return url;
}
