/**
 * The HTTP listener: a `node:http` server with a concurrency gate (`concurrency_request_limit`,
 * excess requests wait in arrival order) and graceful close (idle keep-alive sockets at once,
 * busy ones after `graceMs`).
 */
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';

export type RequestHandler = (req: IncomingMessage, res: ServerResponse) => Promise<void>;

/** A counting semaphore whose limit is read on every acquire, so a config change applies live. */
export class ConcurrencyGate {
  private active = 0;
  private readonly waiting: Array<() => void> = [];

  constructor(private readonly limit: () => number) {}

  get inFlight(): number {
    return this.active;
  }

  async run(task: () => Promise<void>): Promise<void> {
    // 0 is clamped to 1, as in the reference.
    if (this.active >= Math.max(1, this.limit())) await new Promise<void>((r) => this.waiting.push(r));
    this.active++;
    try {
      await task();
    } finally {
      this.active--;
      this.waiting.shift()?.();
    }
  }
}

export class HttpListener {
  private readonly server: Server;

  constructor(handler: RequestHandler, gate: ConcurrencyGate, onError: (err: unknown) => void) {
    this.server = createServer({ keepAliveTimeout: 5_000 }, (req, res) => {
      // The permit is held until the handler has answered (a streamed body continues without it).
      void gate.run(() => handler(req, res)).catch(onError);
    });
  }

  /** Bind; resolves with the URL clients should use (`0.0.0.0` is reported as `127.0.0.1`). */
  listen(host: string, port: number): Promise<string> {
    return new Promise((resolve, reject) => {
      const onError = (err: Error): void => reject(err);
      this.server.once('error', onError);
      this.server.listen(port, host, () => {
        this.server.off('error', onError);
        const addr = this.server.address() as AddressInfo;
        const shown = addr.address === '0.0.0.0' || addr.address === '::' ? '127.0.0.1' : addr.address;
        resolve(`http://${shown.includes(':') ? `[${shown}]` : shown}:${addr.port}`);
      });
    });
  }

  /** Stop accepting, close idle keep-alive sockets now and the rest after `graceMs`. */
  close(graceMs = 10_000): Promise<void> {
    return new Promise((resolve) => {
      if (!this.server.listening) return resolve();
      const hard = setTimeout(() => this.server.closeAllConnections(), graceMs);
      hard.unref();
      this.server.close(() => {
        clearTimeout(hard);
        resolve();
      });
      this.server.closeIdleConnections();
    });
  }
}
