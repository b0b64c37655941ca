/**
 * Outgoing frames to one socket are coalesced so they leave in one `writev`: syscalls dominated engine
 * CPU under load on small VMs. The socket is corked at the first send of an event-loop turn and uncorked
 * in the check phase of the same turn (setImmediate), after every I/O callback of the turn has had its say.
 *
 * Each text frame is written as one Buffer (WebSocket header + UTF-8 payload) straight to the corked TCP
 * socket, instead of `ws.send`: that made two writes per frame (header, then the string, which Node copies
 * again when the corked strings leave in `writev`) plus ws's per-send option objects. Only for what the
 * bytes are the same either way: a server socket (no masking) with no extension negotiated (no
 * permessage-deflate), whose sender is idle (ws queues only while compressing). Anything else goes
 * through `ws.send`. Order with ws's own writes (close, ping, pong) is kept: they go to the same socket.
 *
 * Measured and rejected: a 1 ms window for busy sockets (fewer syscalls, but calls in flight wait for the
 * window, and 64-in-flight throughput fell from ~1.0× to 0.59× of a bare relay).
 */
import type { WebSocket } from 'ws';

interface Corkable {
  cork(): void;
  uncork(): void;
  write(chunk: Buffer): boolean;
}

/** The ws internals this relies on (ws 8). */
interface WsInternals {
  _socket?: Corkable;
  _isServer?: boolean;
  _extensions?: Record<string, unknown>;
  _sender?: { _state?: number };
}

const corked = new WeakSet<WebSocket>();
/** Sockets whose frames may be written raw (decided once: both facts are fixed at the handshake). */
const raw = new WeakMap<WebSocket, boolean>();

export function sendCoalesced(ws: WebSocket, text: string): void {
  const internals = ws as unknown as WsInternals;
  const sock = internals._socket;
  if (!sock) {
    ws.send(text);
    return;
  }
  if (!corked.has(ws)) {
    corked.add(ws);
    sock.cork();
    setImmediate(() => {
      corked.delete(ws);
      sock.uncork();
    });
  }
  let direct = raw.get(ws);
  if (direct === undefined) {
    direct = internals._isServer === true && Object.keys(internals._extensions ?? {}).length === 0;
    raw.set(ws, direct);
  }
  // Sender state 0 = idle (nothing queued behind a compression or a Blob read).
  if (direct && (internals._sender?._state ?? 0) === 0) sock.write(textFrame(text));
  else ws.send(text);
}

/** One unmasked, unfragmented WebSocket text frame (RFC 6455 §5.2). */
export function textFrame(text: string): Buffer {
  const len = Buffer.byteLength(text);
  const head = len < 126 ? 2 : len < 65536 ? 4 : 10;
  const frame = Buffer.allocUnsafe(head + len);
  frame[0] = 0x81; // FIN + opcode 1 (text)
  if (head === 2) frame[1] = len;
  else if (head === 4) {
    frame[1] = 126;
    frame.writeUInt16BE(len, 2);
  } else {
    frame[1] = 127;
    frame.writeUInt32BE(Math.floor(len / 2 ** 32), 2);
    frame.writeUInt32BE(len >>> 0, 6);
  }
  frame.write(text, head, 'utf8');
  return frame;
}
