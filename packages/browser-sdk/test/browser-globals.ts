/**
 * Node stands in for the browser: `ws` becomes the global `WebSocket` (the SDK reads it at use), and every
 * socket the SDK opens is recorded so a test can cut one as a network failure would (`terminate`).
 */
import WebSocket, { WebSocketServer } from 'ws';

export const sockets: WebSocket[] = [];

class RecordingWebSocket extends WebSocket {
  constructor(address: string) {
    super(address);
    sockets.push(this);
  }
}

(globalThis as { WebSocket?: unknown }).WebSocket = RecordingWebSocket;

/** A bare WebSocket server on a free loopback port, recording each connection's text frames. */
export async function rawServer(): Promise<{
  url: string;
  wss: WebSocketServer;
  /** Resolves with the next connection and its frames (as they arrive). */
  nextConnection(): Promise<{
    socket: WebSocket;
    frames: Record<string, unknown>[];
    next(type?: string): Promise<Record<string, unknown>>;
  }>;
  close(): Promise<void>;
}> {
  const wss = new WebSocketServer({ host: '127.0.0.1', port: 0 });
  await new Promise<void>((r) => wss.once('listening', () => r()));
  const port = (wss.address() as { port: number }).port;
  const waiting: ((c: Awaited<ReturnType<typeof accept>>) => void)[] = [];
  const ready: Awaited<ReturnType<typeof accept>>[] = [];
  function accept(socket: WebSocket) {
    const frames: Record<string, unknown>[] = [];
    const waiters: { type: string | undefined; resolve: (f: Record<string, unknown>) => void }[] = [];
    let read = 0;
    const pump = () => {
      while (waiters.length > 0) {
        const w = waiters[0]!;
        let hit: Record<string, unknown> | undefined;
        while (read < frames.length) {
          const f = frames[read++]!;
          if (w.type === undefined || f.type === w.type) {
            hit = f;
            break;
          }
        }
        if (!hit) return;
        waiters.shift();
        w.resolve(hit);
      }
    };
    socket.on('message', (d, binary) => {
      if (binary) return;
      frames.push(JSON.parse(d.toString()) as Record<string, unknown>);
      pump();
    });
    return {
      socket,
      frames,
      /** The next frame (of `type`, skipping others) not returned yet. */
      next: (type?: string) =>
        new Promise<Record<string, unknown>>((resolve) => {
          waiters.push({ type, resolve });
          pump();
        }),
    };
  }
  wss.on('connection', (socket) => {
    const c = accept(socket);
    const w = waiting.shift();
    if (w) w(c);
    else ready.push(c);
  });
  return {
    url: `ws://127.0.0.1:${port}`,
    wss,
    nextConnection: () => {
      const c = ready.shift();
      return c ? Promise.resolve(c) : new Promise((r) => waiting.push(r));
    },
    close: () =>
      new Promise<void>((r) => {
        for (const c of wss.clients) c.terminate();
        wss.close(() => r());
      }),
  };
}
