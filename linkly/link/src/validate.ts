/**
 * Input checks for links. The tutorial trusts its input; Linkly here refuses what a shortener must never
 * serve (script/data URLs, absurd lengths, codes that would not survive a URL path).
 */

/** Errors the link worker reports; the code travels in the message so it survives the wire. */
export const LinkErrorCodes = {
  E_LINK_MISSING_URL: 400,
  E_LINK_INVALID_URL: 400,
  E_LINK_URL_TOO_LONG: 400,
  E_LINK_INVALID_CODE: 400,
  E_LINK_BAD_REQUEST: 400,
  /** link::list: a limit that is not a whole number from 1 to 500. */
  E_LINK_INVALID_LIMIT: 400,
  E_LINK_NOT_FOUND: 404,
  E_LINK_CODE_TAKEN: 409,
  /** link::request_delete: no browser tab serves user::confirm_destructive_op. */
  E_LINK_NO_BROWSER: 503,
  /** link::request_delete: the browser did not answer the confirm prompt in time. */
  E_LINK_CONFIRM_TIMEOUT: 504,
} as const;

export type LinkErrorCode = keyof typeof LinkErrorCodes;

export class LinkError extends Error {
  override readonly name = 'LinkError';
  constructor(
    readonly code: LinkErrorCode,
    readonly detail: string,
  ) {
    // `[CODE] detail`: an SDK handler error only carries a message, so the code is kept parseable inside it.
    super(`[${code}] ${detail}`);
  }

  get status(): number {
    return LinkErrorCodes[this.code];
  }
}

/** Recover a LinkError from anything thrown, including an InvocationError that crossed the engine. */
export function asLinkError(err: unknown): LinkError | undefined {
  if (err instanceof LinkError) return err;
  const message = err instanceof Error ? err.message : typeof err === 'string' ? err : '';
  const m = /\[(E_LINK_[A-Z_]+)\] (.*)$/s.exec(message);
  if (m?.[1] && m[1] in LinkErrorCodes) return new LinkError(m[1] as LinkErrorCode, m[2] ?? '');
  return undefined;
}

export const MAX_URL_LENGTH = 2048;
const CODE_RE = /^[A-Za-z0-9_-]{1,64}$/;
const SCHEME_RE = /^([a-z][a-z0-9+.-]*):/i;

/** `iii trigger link::create code=123` sends a number (the CLI types values JSON-first), so accept integers. */
export function parseCode(value: unknown): string {
  const code = typeof value === 'number' && Number.isSafeInteger(value) && value >= 0 ? String(value) : value;
  if (typeof code !== 'string' || !CODE_RE.test(code)) {
    throw new LinkError('E_LINK_INVALID_CODE', 'code must be 1-64 characters of A-Z a-z 0-9 _ -');
  }
  return code;
}

/** Like parseCode, but `undefined`/`null`/`""` mean "no code given". */
export function parseOptionalCode(value: unknown): string | undefined {
  if (value === undefined || value === null || value === '') return undefined;
  return parseCode(value);
}

/**
 * Normalise and check a URL: a URL without a scheme gets `https://` (as in the tutorial), and only
 * absolute http(s) URLs with a host, at most 2048 characters, are accepted.
 */
export function parseUrl(value: unknown): string {
  if (value === undefined || value === null || value === '') throw new LinkError('E_LINK_MISSING_URL', 'missing "url"');
  if (typeof value !== 'string') throw new LinkError('E_LINK_INVALID_URL', '"url" must be a string');
  const trimmed = value.trim();
  const url = trimmed.startsWith('//') ? `https:${trimmed}` : hasScheme(trimmed) ? trimmed : `https://${trimmed}`;
  if (url.length > MAX_URL_LENGTH) throw new LinkError('E_LINK_URL_TOO_LONG', `url is longer than ${MAX_URL_LENGTH} characters`);
  let parsed: URL;
  try {
    parsed = new URL(url);
  } catch {
    throw new LinkError('E_LINK_INVALID_URL', 'url is not a valid URL');
  }
  if (parsed.protocol !== 'http:' && parsed.protocol !== 'https:') {
    throw new LinkError('E_LINK_INVALID_URL', 'only http and https URLs can be shortened');
  }
  if (!parsed.hostname) throw new LinkError('E_LINK_INVALID_URL', 'url has no host');
  return url;
}

/** `example.com:8080/x` is a host with a port, not a scheme; `javascript:` and `data:` are schemes. */
function hasScheme(url: string): boolean {
  const m = SCHEME_RE.exec(url);
  if (!m) return false;
  const rest = url.slice(m[0].length);
  return !/^\d+(\/|$|\?|#)/.test(rest);
}

export const DEFAULT_LIST_LIMIT = 100;
export const MAX_LIST_LIMIT = 500;

/** link::list's `limit`: absent means 100; otherwise a whole number from 1 to 500 (`iii trigger` may send "20"). */
export function parseLimit(value: unknown): number {
  if (value === undefined || value === null || value === '') return DEFAULT_LIST_LIMIT;
  const n = typeof value === 'string' && /^\d+$/.test(value) ? Number(value) : value;
  if (typeof n !== 'number' || !Number.isInteger(n) || n < 1 || n > MAX_LIST_LIMIT) {
    throw new LinkError('E_LINK_INVALID_LIMIT', `limit must be a whole number from 1 to ${MAX_LIST_LIMIT}`);
  }
  return n;
}

/** A plain object (JSON `{}`), so a handler never reads fields off arrays, strings or null. */
export function asRecord(value: unknown): Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value) ? (value as Record<string, unknown>) : {};
}

const CODE_ALPHABET = 'abcdefghijklmnopqrstuvwxyz0123456789';

/** 6 random characters of [a-z0-9], as the tutorial generates them. */
export function randomCode(random: () => number = Math.random): string {
  let out = '';
  for (let i = 0; i < 6; i++) out += CODE_ALPHABET[Math.floor(random() * CODE_ALPHABET.length)];
  return out;
}
