/**
 * The HTTP listener: a `node:http` server with a concurrency gate (`concurrency_request_limit`,
 * excess requests wait in arrival order) and graceful close (idle keep-alive sockets at once,
 * busy ones after `graceMs`).
 */
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';

export type RequestHandler = (req: IncomingMessage, res: ServerResponse) => Promise<void>;

/**
 * A counting semaphore whose limit is read on every acquire, so a config change applies live. Not an async
 * function and no closure per request: a free permit runs the handler at once.
 */
export class ConcurrencyGate {
  private active = 0;
  private readonly waiting: Array<() => void> = [];
  private readonly release = (): void => {
    this.active--;
    this.waiting.shift()?.();
  };
  private readonly failed = (err: unknown): void => {
    this.release();
    this.onError(err);
  };

  constructor(
    private readonly limit: () => number,
    /** A handler's rejection (the handlers answer every error themselves; this is the last resort). */
    private readonly onError: (err: unknown) => void,
  ) {}

  get inFlight(): number {
    return this.active;
  }

  /** Run `task(a, b)` under a permit, held until its promise settles. */
  run<A, B>(task: (a: A, b: B) => Promise<void>, a: A, b: B): void {
    // 0 is clamped to 1, as in the reference.
    if (this.active >= Math.max(1, this.limit())) {
      this.waiting.push(() => this.run(task, a, b));
      return;
    }
    this.active++;
    let done: Promise<void>;
    try {
      done = task(a, b);
    } catch (err) {
      done = Promise.reject(err);
    }
    done.then(this.release, this.failed);
  }
}

export class HttpListener {
  private readonly server: Server;

  constructor(handler: RequestHandler, gate: ConcurrencyGate) {
    // The permit is held until the handler has answered (a streamed body continues without it).
    this.server = createServer({ keepAliveTimeout: 5_000 }, (req, res) => gate.run(handler, req, res));
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
