/**
 * `POST /api/call {function_id, payload?, trace?}`: call one engine function for the UI.
 * → `200 {result, trace_id?}` or `502 {error: {code, message}, trace_id?}` (the engine's coded error), or
 * `400/413 E_CONSOLE_BAD_REQUEST`. Calls that are actions (actions.ts) are logged first. With `trace: true`
 * (the Functions page's Invoke) the call carries a fresh traceparent, so the spans it produces form a
 * trace whose id comes back for the page to link to.
 */
import { randomBytes } from 'node:crypto';
import type { IncomingMessage, ServerResponse } from 'node:http';
import { check, formatIssues, toErrorBody, z } from '@triad/engine';
import { isAction, logAction, who } from './actions.ts';
import type { CallOptions, EngineLink } from './link.ts';

/** Requests larger than this are refused: the API carries function payloads, not uploads. */
export const MAX_BODY_BYTES = 1024 * 1024;
const callInput = z.strictObject({
  function_id: z.string().min(1),
  payload: z.unknown().optional(),
  trace: z.boolean().optional(),
});

export function send(res: ServerResponse, status: number, body: unknown): void {
  res.writeHead(status, { 'content-type': 'application/json' });
  res.end(JSON.stringify(body));
}

const badRequest = (res: ServerResponse, status: number, message: string): void =>
  send(res, status, { error: { code: 'E_CONSOLE_BAD_REQUEST', message } });

function newTrace(): { traceId: string; traceparent: string } {
  const traceId = randomBytes(16).toString('hex');
  return { traceId, traceparent: `00-${traceId}-${randomBytes(8).toString('hex')}-01` };
}

export async function callEngine(req: IncomingMessage, res: ServerResponse, link: EngineLink, tokenRequired: boolean): Promise<void> {
  const raw = await readBody(req);
  if (raw === undefined) return badRequest(res, 413, `body over ${MAX_BODY_BYTES} bytes`);
  let body: unknown;
  try {
    body = JSON.parse(raw || '{}');
  } catch {
    return badRequest(res, 400, 'body is not JSON');
  }
  const parsed = check(callInput, body);
  if (!parsed.ok) return badRequest(res, 400, formatIssues(parsed.issues));
  const { function_id, trace } = parsed.value;
  const payload = parsed.value.payload ?? {};
  if (isAction(function_id)) await logAction(link, who(req, tokenRequired), function_id, payload);
  const t = trace && link.traces ? newTrace() : undefined;
  const opts: CallOptions = t ? { traceparent: t.traceparent } : {};
  const traceId = t ? { trace_id: t.traceId } : {};
  try {
    const result = await link.call(function_id, payload, opts);
    send(res, 200, { result: result ?? null, ...traceId });
  } catch (err) {
    send(res, 502, { error: toErrorBody(err), ...traceId });
  }
}

function readBody(req: IncomingMessage): Promise<string | undefined> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let size = 0;
    req.on('data', (c: Buffer) => {
      size += c.length;
      if (size <= MAX_BODY_BYTES) chunks.push(c);
    });
    req.on('end', () => resolve(size > MAX_BODY_BYTES ? undefined : Buffer.concat(chunks).toString('utf8')));
    req.on('error', reject);
  });
}
