/**
 * One HTTP request through the pipeline of workers.md §1.3:
 * CORS preflight → route match (404 / 405) → global middleware → body (400 / 413) → channels →
 * condition (422) → per-route middleware → handler → buffered or streamed reply.
 * `default_timeout` bounds everything up to the response head (504).
 */
import type { IncomingMessage, ServerResponse } from 'node:http';
import { EngineError, toErrorBody } from '../../core/errors/index.ts';
import type { Logger } from '../../util/logger.ts';
import type { EngineApi, EngineChannel, InvokeOptions } from '../module.ts';
import type { RouteAdmission } from './admission.ts';
import { bodyModeOf, type ParsedBody, parseBody, readBody } from './body.ts';
import type { HttpConfig } from './config.ts';
import type { CorsPolicy } from './cors.ts';
import { middlewareTimeoutReply, runCondition, runMiddleware } from './gates.ts';
import { awaitOutcome } from './outcome.ts';
import { conditionPayloadOf, handlerPayloadOf, headersOf, queryParamsOf, type RequestBase, type RouteTarget } from './request.ts';
import { errorReply, type HttpReply } from './response.ts';
import type { Router } from './router.ts';
import { sendReply, sendStream } from './send.ts';
import { type RequestSpan, startRequestSpan } from './tracing.ts';

/** Everything a request needs from its module instance; `config` may change between requests. */
export interface PipelineDeps {
  engine: EngineApi;
  log: Logger;
  router: Router<RouteTarget>;
  config: () => Readonly<HttpConfig>;
  cors: () => CorsPolicy;
  /** Global preHandler middleware ids, sorted by priority. */
  globalMiddleware: () => readonly string[];
  /** Holds requests to a route whose worker's queued work falls behind (admission.ts). */
  admission: RouteAdmission;
}

const CHUNK = 64 * 1024;

/**
 * Per-request state shared with the timeout and the response's `close`: one listener per request ends
 * the timer, the channels and the span together (a `once` listener each cost a wrapper and a closure).
 */
class RequestState {
  phase: 'middleware' | 'other' = 'other';
  finished = false;
  readonly deadline: number;
  requestChannel: EngineChannel | undefined;
  responseChannel: EngineChannel | undefined;
  timer: NodeJS.Timeout | undefined;
  span: RequestSpan | undefined;
  /** Trace context handed to every function this request invokes. */
  trace: InvokeOptions = {};
  constructor(
    timeoutMs: number,
    readonly res: ServerResponse,
    readonly corsHeaders: Array<[string, string]>,
  ) {
    this.deadline = Date.now() + timeoutMs;
  }
  remaining(): number {
    return this.deadline - Date.now();
  }
  /** The response closed (sent, or the client went away). */
  closed(): void {
    clearTimeout(this.timer);
    this.finished = true;
    this.requestChannel?.destroy();
    this.responseChannel?.destroy();
    this.span?.end(this.res.statusCode);
  }
}

export async function handleRequest(deps: PipelineDeps, req: IncomingMessage, res: ServerResponse): Promise<void> {
  const method = (req.method ?? 'GET').toUpperCase();
  const cors = deps.cors();
  if (cors.isPreflight(method, req.headers))
    return sendReply(res, { status: 200, headers: [], body: Buffer.alloc(0) }, cors.preflight(req.headers));
  const corsHeaders = cors.actual(req.headers);
  const url = req.url ?? '/';
  const q = url.indexOf('?');
  const path = q < 0 ? url : url.slice(0, q);
  const query = q < 0 ? '' : url.slice(q + 1);
  const match = deps.router.match(method, path);
  if (match.kind === 'not_found') return sendReply(res, errorReply(404, 'NOT_FOUND', 'Not Found'), corsHeaders);
  if (match.kind === 'method_not_allowed') {
    const reply = errorReply(
      405,
      'E_HTTP_METHOD_NOT_ALLOWED',
      `Method ${method} not allowed for ${path}; allowed: ${match.allowed.join(', ')}`,
    );
    return sendReply(res, reply, [...corsHeaders, ['allow', match.allowed.join(', ')]]);
  }
  const state = new RequestState(deps.config().default_timeout, res, corsHeaders);
  state.timer = setTimeout(() => onTimeout(state), state.remaining());
  res.on('close', () => state.closed());
  const base: RequestBase = { path_params: match.params, query_params: queryParamsOf(query), headers: headersOf(req.headers), method };
  state.span = startRequestSpan(deps.engine, req, match.route.value, path, query);
  state.trace = traceOf(base.headers, state.span?.traceparent);
  // Held (admission.ts) while the route's worker has queued work falling behind; a 504 may come first.
  const held = deps.admission.acquire(match.route.value.functionId);
  if (held) await held;
  try {
    if (!state.finished) await serveRoute(deps, state, match.route.value, base, req);
  } catch (err) {
    // Usually the client went away (aborted upload, closed tab): nobody is left to answer.
    if (state.finished || res.headersSent) return deps.log.debug('http request ended early', { error: toErrorBody(err) });
    deps.log.error('http request failed inside the engine', { error: toErrorBody(err) });
    sendReply(res, errorReply(500, 'INTERNAL_ERROR', 'internal server error'), corsHeaders);
  }
}

function onTimeout(state: RequestState): void {
  if (state.res.headersSent) return;
  // Middleware has its own coded answer; the whole-request timeout answers with an empty body, as the reference does.
  const reply: HttpReply = state.phase === 'middleware' ? middlewareTimeoutReply() : { status: 504, headers: [], body: Buffer.alloc(0) };
  sendReply(state.res, reply, state.corsHeaders);
  state.finished = true;
}

async function serveRoute(
  deps: PipelineDeps,
  state: RequestState,
  target: RouteTarget,
  base: RequestBase,
  req: IncomingMessage,
): Promise<void> {
  // Each gate is awaited only when configured: an `await` per empty gate is a microtask per request.
  const globalMw = deps.globalMiddleware();
  if (globalMw.length > 0) {
    state.phase = 'middleware';
    const early = await runMiddleware(deps.engine, globalMw, base, () => state.remaining(), state.trace);
    state.phase = 'other';
    if (early) return reply(deps, state, target, early);
    if (state.finished) return;
  }

  const maxBytes = deps.config().max_body_bytes;
  const mode = bodyModeOf(req, maxBytes);
  let raw: Buffer = Buffer.alloc(0);
  let parsed: ParsedBody = { body: null };
  try {
    if (mode === 'buffer') raw = await readBody(req, maxBytes);
    if (mode !== 'none') parsed = await parseBody(raw, req.headers['content-type']);
  } catch (err) {
    if (err instanceof EngineError && err.code === 'E_HTTP_BODY_TOO_LARGE') {
      // Discard the rest rather than close: closing a socket with unread input sends a TCP reset,
      // which can destroy the 413 before the client reads it.
      req.resume();
      return reply(deps, state, target, errorReply(413, err.code, err.message));
    }
    if (err instanceof EngineError && err.code === 'E_HTTP_FORM_LIMIT')
      return reply(deps, state, target, errorReply(413, err.code, err.message));
    if (err instanceof EngineError) return reply(deps, state, target, errorReply(400, err.code, err.message));
    throw err;
  }
  if (state.finished) return;

  if (target.conditionFunctionId !== undefined) {
    const payload = conditionPayloadOf(base, target, parsed);
    const condition = await runCondition(deps.engine, target.conditionFunctionId, payload, () => state.remaining(), state.trace);
    if (condition) return reply(deps, state, target, condition);
  }
  if (target.middlewareFunctionIds.length > 0) {
    state.phase = 'middleware';
    const routeEarly = await runMiddleware(deps.engine, target.middlewareFunctionIds, base, () => state.remaining(), state.trace);
    state.phase = 'other';
    if (routeEarly) return reply(deps, state, target, routeEarly);
    if (state.finished) return;
  }

  const requestChannel = deps.engine.channels.create();
  const responseChannel = deps.engine.channels.create();
  state.requestChannel = requestChannel;
  state.responseChannel = responseChannel;
  if (mode === 'none') requestChannel.end();
  else void feedRequestChannel(requestChannel, mode === 'stream' ? req : raw);
  const payload = handlerPayloadOf(base, target, parsed, requestChannel.readerRef, responseChannel.writerRef);
  const invocation = deps.engine.invoke(target.functionId, payload, {
    metadata: target.metadata,
    // The outer timer answers 504 first; this later bound only frees the engine's waiter.
    timeoutMs: state.remaining() + 1000,
    traceparent: state.trace.traceparent,
    baggage: state.trace.baggage,
  });
  const outcome = await awaitOutcome(invocation, responseChannel, deps.log);
  if (state.finished) return;
  if (outcome.kind === 'buffered') return reply(deps, state, target, outcome.reply);
  // Not awaited: the request is done (and its concurrency permit freed) once the head is out, as in
  // the reference; long streams such as server-sent events must not starve other requests.
  void sendStream(state.res, outcome.stream, state.corsHeaders).catch((err: unknown) => {
    deps.log.warn('streamed http response failed', { error: toErrorBody(err) });
    state.res.destroy();
  });
}

/** Sends a buffered reply unless the request already finished. */
function reply(deps: PipelineDeps, state: RequestState, target: RouteTarget, r: HttpReply): void {
  if (r.errorId) deps.log.warn('http request answered with an error', { status: r.status, error_id: r.errorId, path: target.path });
  if (!state.finished) sendReply(state.res, r, state.corsHeaders);
}

/** The raw body goes to the `request_body` channel: buffered bytes in ≤64 KiB items, or the live request stream. */
async function feedRequestChannel(channel: EngineChannel, source: Buffer | IncomingMessage): Promise<void> {
  try {
    if (Buffer.isBuffer(source)) {
      for (let off = 0; off < source.length; off += CHUNK) await channel.write({ kind: 'binary', data: source.subarray(off, off + CHUNK) });
    } else {
      for await (const chunk of source) await channel.write({ kind: 'binary', data: chunk as Buffer });
    }
  } catch {
    // The client went away or the channel was dropped with the request: nothing left to feed.
  } finally {
    channel.end();
  }
}

/** Our request span is the parent when tracing is on; otherwise the caller's own context passes through. */
function traceOf(headers: Record<string, string>, spanParent: string | undefined): InvokeOptions {
  const trace: InvokeOptions = {};
  const traceparent = spanParent ?? headers.traceparent;
  if (traceparent) trace.traceparent = traceparent;
  if (headers.baggage) trace.baggage = headers.baggage;
  return trace;
}
