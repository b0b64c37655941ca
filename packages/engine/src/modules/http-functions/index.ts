/**
 * `iii-http-functions`: functions a worker registers with an `invocation` (URL) instead of a handler.
 * The engine calls the URL with the payload as JSON (protocol.md §10). Off unless listed in config.yaml.
 */
import { createHmac, randomUUID } from 'node:crypto';
import { EngineError } from '../../core/errors/index.ts';
import type { RegisterFunctionMsg } from '../../protocol/messages.ts';
import type { EngineModule } from '../module.ts';
import { type HttpFunctionsConfig, httpFunctionsConfig } from './config.ts';
import { checkUrl } from './url-policy.ts';

type Invocation = NonNullable<RegisterFunctionMsg['invocation']>;

function authHeaders(auth: Invocation['auth'], timestamp: string, body: string): Record<string, string> {
  if (!auth) return {};
  const env = (name: string, code: string): string => {
    const v = process.env[name];
    if (v === undefined) throw new EngineError(code, `environment variable '${name}' is not set`);
    return v;
  };
  if (auth.type === 'bearer') return { authorization: `Bearer ${env(auth.token_key, 'token_not_found')}` };
  if (auth.type === 'api_key') return { [auth.header]: env(auth.value_key, 'api_key_not_found') };
  const sig = createHmac('sha256', env(auth.secret_key, 'secret_not_found'))
    .update(`${timestamp}:${Buffer.from(body).toString('base64')}`)
    .digest('hex');
  return { 'x-iii-signature': `sha256=${sig}` };
}

async function mapResponse(res: Response): Promise<unknown> {
  const text = await res.text();
  const json = (): { ok: true; value: unknown } | { ok: false } => {
    try {
      return { ok: true, value: JSON.parse(text) };
    } catch {
      return { ok: false };
    }
  };
  if (res.status >= 400) {
    const j = json();
    const err = j.ok ? (j.value as { error?: { code?: unknown; message?: unknown } }).error : undefined;
    if (err && typeof err.code === 'string' && typeof err.message === 'string') throw new EngineError(err.code, err.message);
    throw new EngineError('http_error', `HTTP ${res.status}`);
  }
  if (text === '') return undefined;
  const j = json();
  if (j.ok) return j.value;
  if (res.status >= 200 && res.status < 300) throw new EngineError('invalid_response', `HTTP ${res.status} with a body that is not JSON`);
  return undefined;
}

function makeHandler(id: string, inv: Invocation, cfg: HttpFunctionsConfig) {
  const url = checkUrl(inv.url, cfg.security).toString();
  authHeaders(inv.auth, '0', ''); // fail registration now if a secret is missing
  return async (input: unknown): Promise<unknown> => {
    const body = JSON.stringify(input ?? null);
    const timestamp = String(Math.floor(Date.now() / 1000));
    const headers = {
      'content-type': 'application/json',
      'x-iii-function-path': id,
      'x-iii-invocation-id': randomUUID(),
      'x-iii-timestamp': timestamp,
      ...(inv.headers ?? {}),
      ...authHeaders(inv.auth, timestamp, body),
    };
    let res: Response;
    try {
      res = await fetch(url, {
        method: inv.method,
        headers,
        body: inv.method === 'GET' ? undefined : body,
        redirect: 'manual',
        signal: AbortSignal.timeout(inv.timeout_ms ?? 30_000),
      });
    } catch (err) {
      throw new EngineError('http_request_failed', `${inv.method} ${url} failed: ${err instanceof Error ? err.message : String(err)}`);
    }
    return mapResponse(res);
  };
}

export const httpFunctionsModule: EngineModule<HttpFunctionsConfig> = {
  name: 'iii-http-functions',
  displayName: 'HTTP functions',
  description: 'functions served by an HTTP endpoint instead of a worker handler',
  configSchema: httpFunctionsConfig,
  create(ctx, config) {
    ctx.engine.services.provide('http-functions', { register: (msg) => makeHandler(msg.id, msg.invocation as Invocation, config) });
    return {};
  },
};
