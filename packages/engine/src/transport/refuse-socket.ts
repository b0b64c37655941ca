/**
 * Refusing a worker socket after the upgrade (RBAC auth failed, wrong engine secret): one `error` frame,
 * then every call the client sent is answered `AUTH_ERROR`, then a 1008 close. The iii-sdk ignores
 * `error` frames and sends its queued calls the moment the socket opens, so answering those calls is
 * the refusal its user actually sees (`trigger()` rejects with code AUTH_ERROR instead of timing out).
 * The socket lingers briefly for calls still in flight; nothing else is read from it.
 */
import type { WebSocket } from 'ws';

/** How long a refused socket stays open to answer the client's first calls. */
export const REFUSAL_LINGER_MS = 1_000;

export function refuseSocket(ws: WebSocket, early: ReadonlyArray<[Buffer, boolean]>, message: string): void {
  const error = { code: 'AUTH_ERROR', message };
  ws.send(JSON.stringify({ type: 'error', error }));
  const answer = (data: Buffer, isBinary: boolean): void => {
    if (isBinary) return;
    const id = invocationIdOf(data);
    if (id !== undefined) ws.send(JSON.stringify({ type: 'invocationresult', invocation_id: id, error }));
  };
  for (const [d, b] of early) answer(d, b);
  ws.on('message', answer);
  const timer = setTimeout(() => ws.close(1008, 'authentication failed'), REFUSAL_LINGER_MS);
  timer.unref();
  ws.once('close', () => clearTimeout(timer));
}

/** The invocation id of an `invokefunction` frame that expects an answer; undefined for anything else. */
function invocationIdOf(data: Buffer): string | undefined {
  if (data.length > 64 * 1024) return undefined;
  try {
    const msg = JSON.parse(data.toString('utf8')) as { type?: unknown; invocation_id?: unknown };
    return msg.type === 'invokefunction' && typeof msg.invocation_id === 'string' ? msg.invocation_id : undefined;
  } catch {
    return undefined;
  }
}
