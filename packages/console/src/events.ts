/**
 * Live views over Server-Sent Events: `GET /api/events?kind=logs[&level=…]` (the log tail) and
 * `GET /api/events?kind=stream&stream_name=…[&group_id=…]` (a stream's changes). Each open event
 * stream is one engine trigger (`log` or `stream`) bound to a handler of the console's, registered
 * when the browser connects and removed when it goes away. The first event, `ready`, says the
 * trigger is in place: changes after it are delivered.
 */
import type { IncomingMessage, ServerResponse } from 'node:http';
import { check, formatIssues, toErrorBody, z } from '@triad/engine';
import type { EngineLink } from './link.ts';

const query = z.discriminatedUnion('kind', [
  z.object({ kind: z.literal('logs'), level: z.enum(['all', 'trace', 'debug', 'info', 'warn', 'error']).default('all') }),
  z.object({ kind: z.literal('stream'), stream_name: z.string().min(1), group_id: z.string().min(1).optional() }),
]);

/** A comment line now and then keeps proxies and idle timeouts from closing a quiet stream. */
const HEARTBEAT_MS = 15_000;

function binding(q: z.output<typeof query>): { type: string; config: Record<string, unknown> } {
  if (q.kind === 'logs') return { type: 'log', config: { level: q.level } };
  return { type: 'stream', config: { stream_name: q.stream_name, ...(q.group_id ? { group_id: q.group_id } : {}) } };
}

export async function serveEvents(req: IncomingMessage, res: ServerResponse, url: URL, link: EngineLink): Promise<void> {
  const parsed = check(query, Object.fromEntries(url.searchParams));
  if (!parsed.ok) {
    res.writeHead(400, { 'content-type': 'application/json' });
    res.end(JSON.stringify({ error: { code: 'E_CONSOLE_BAD_SUBSCRIPTION', message: formatIssues(parsed.issues) } }));
    return;
  }
  const { type, config } = binding(parsed.value);
  res.writeHead(200, { 'content-type': 'text/event-stream', 'cache-control': 'no-cache', connection: 'keep-alive' });
  const send = (event: string, data: unknown): void => {
    if (!res.writableEnded) res.write(`event: ${event}\ndata: ${JSON.stringify(data)}\n\n`);
  };
  let closed = false;
  const heartbeat = setInterval(() => res.write(': keep-alive\n\n'), HEARTBEAT_MS);
  req.on('close', () => {
    closed = true;
    clearInterval(heartbeat);
  });
  try {
    const unsubscribe = await link.subscribe(type, config, (payload) => send('change', payload));
    if (closed) return void (await unsubscribe().catch(() => {}));
    req.on('close', () => void unsubscribe().catch(() => {}));
    send('ready', { trigger_type: type, config });
  } catch (err) {
    send('failure', toErrorBody(err));
    clearInterval(heartbeat);
    res.end();
  }
}
