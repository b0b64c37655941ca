/**
 * The request span of workers.md §1.8: a server span `"<METHOD> <registered path>"` whose
 * traceparent is handed to the handler, so the SDK's `execute <function_id>` span nests under it
 * (Linkly's trace view: `GET /s/:code` → `execute http::redirect` → ...). The `tracer` service comes
 * from the observability module; without it requests are simply not traced.
 */
import type { IncomingMessage } from 'node:http';
import type { EngineApi } from '../module.ts';
import type { RouteTarget } from './request.ts';

/** What the pipeline keeps of a request span: the context to hand on, and its end (the pipeline calls it on response close). */
export interface RequestSpan {
  readonly traceparent: string;
  end(statusCode: number): void;
}

export function startRequestSpan(
  engine: EngineApi,
  req: IncomingMessage,
  target: RouteTarget,
  path: string,
  query: string,
): RequestSpan | undefined {
  const tracer = engine.services.get('tracer');
  if (!tracer) return undefined;
  const h = req.headers;
  const scheme = typeof h['x-forwarded-proto'] === 'string' ? h['x-forwarded-proto'] : 'http';
  const host = h.host ?? '';
  const span = tracer.startSpan(`${target.method} ${target.path}`, {
    kind: 'server',
    ...(typeof h.traceparent === 'string' ? { parent: h.traceparent } : {}),
    attributes: {
      'http.request.method': req.method ?? target.method,
      'http.route': target.path,
      'url.path': path,
      'url.query': query,
      'url.scheme': scheme,
      'url.full': `${scheme}://${host}${req.url ?? path}`,
      'server.address': host,
      'user_agent.original': h['user-agent'] ?? '',
      'http.request.header.content_type': h['content-type'] ?? '',
      'http.request.body.size': Number(h['content-length'] ?? 0),
      'iii.function.kind': target.functionId.startsWith('engine::') ? 'internal' : 'user',
      'iii.function.id': target.functionId,
    },
  });
  return {
    traceparent: span.traceparent,
    end(statusCode) {
      const failed = statusCode >= 400;
      span.setAttribute('http.response.status_code', statusCode);
      span.setAttribute('otel.status_code', failed ? 'ERROR' : 'OK');
      span.setStatus(failed ? 'error' : 'ok');
      span.end();
    },
  };
}
