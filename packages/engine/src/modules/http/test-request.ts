/**
 * `http::request` (Triad): send one request to this engine's own `http` listener and return what came
 * back, so an operator (the console's Triggers page) can try an `http` trigger without a separate
 * client. It only ever targets the listener's own address: `path` is a path, never a URL.
 */
import { z } from 'zod';
import { EngineError } from '../../core/errors/index.ts';
import { defineFunction } from '../define-function.ts';
import type { LocalFunction } from '../module.ts';

const requestInput = z.looseObject({
  method: z
    .string()
    .regex(/^[A-Za-z]+$/)
    .default('GET'),
  path: z.string().startsWith('/').describe('path and query, e.g. /links?limit=5'),
  headers: z.record(z.string(), z.string()).default({}),
  body: z.unknown().optional().describe('a string is sent as is; anything else as JSON'),
  timeout_ms: z.int().min(1).max(300_000).default(30_000),
});

function encodeBody(body: unknown, headers: Record<string, string>): string | undefined {
  if (body === undefined || body === null) return undefined;
  if (typeof body === 'string') return body;
  if (!Object.keys(headers).some((h) => h.toLowerCase() === 'content-type')) headers['content-type'] = 'application/json';
  return JSON.stringify(body);
}

function headersOf(h: Headers): Record<string, string> {
  const out: Record<string, string> = {};
  h.forEach((value, name) => {
    out[name] = value;
  });
  return out;
}

/** `baseUrl()` is where the listener is now (it moves when the port is reconfigured). */
export function httpRequestFunction(baseUrl: () => string | undefined): LocalFunction {
  return defineFunction({
    id: 'http::request',
    description: "Triad: send a test request to this engine's http listener; returns { status, headers, body, duration_ms }",
    input: requestInput,
    async handler(req) {
      const base = baseUrl();
      if (!base) throw new EngineError('E_HTTP_TEST_REQUEST', 'the http listener is not running');
      const headers = { ...req.headers };
      const body = encodeBody(req.body, headers);
      const method = req.method.toUpperCase();
      const started = performance.now();
      let res: Response;
      try {
        res = await fetch(new URL(req.path, base), {
          method,
          headers,
          redirect: 'manual',
          signal: AbortSignal.timeout(req.timeout_ms),
          ...(body !== undefined && method !== 'GET' && method !== 'HEAD' ? { body } : {}),
        });
      } catch (err) {
        throw new EngineError('E_HTTP_TEST_REQUEST', `${method} ${req.path}: ${err instanceof Error ? err.message : String(err)}`);
      }
      const text = await res.text();
      const json = (res.headers.get('content-type') ?? '').includes('json');
      let parsed: unknown = text;
      if (json && text !== '')
        try {
          parsed = JSON.parse(text);
        } catch {
          // a server may mislabel its body: hand it back as text
        }
      return {
        status: res.status,
        headers: headersOf(res.headers),
        body: parsed,
        duration_ms: Math.round((performance.now() - started) * 100) / 100,
      };
    },
  });
}
