/**
 * The worker socket's life (protocol.md §1.4–§1.8): connect, reconnect with backoff and jitter, connection
 * states, and a keepalive. Browsers cannot send WebSocket ping frames, so the keepalive is the JSON
 * `{"type":"ping"}` the engine answers with `{"type":"pong"}` (protocol.md §2.13); a socket on which
 * nothing at all arrives for `idleTimeoutMs` is dropped and redialled instead of hanging on half-open TCP.
 */
import { type Incoming, parseFrame } from './protocol.ts';
import type { IIIConnectionState, IIIReconnectionConfig } from './types.ts';

export const DEFAULT_RECONNECTION: IIIReconnectionConfig = {
  initialDelayMs: 1000,
  maxDelayMs: 30_000,
  backoffMultiplier: 2,
  jitterFactor: 0.3,
  maxRetries: -1,
};

export interface ConnectionOptions {
  reconnection: IIIReconnectionConfig;
  keepaliveIntervalMs: number;
  idleTimeoutMs: number;
}

export interface ConnectionEvents {
  /** The socket is open: replay registrations, flush the queue. */
  onOpen(): void;
  onFrame(frame: Incoming): void;
}

/** Delay before reconnect attempt `n` (from 0): capped exponential backoff, then ± jitter. */
export function backoffDelay(cfg: IIIReconnectionConfig, n: number, u = Math.random() * 2 - 1): number {
  const capped = Math.min(cfg.initialDelayMs * cfg.backoffMultiplier ** n, cfg.maxDelayMs);
  return Math.max(0, Math.floor(capped * (1 + cfg.jitterFactor * u)));
}

export class Connection {
  private ws: WebSocket | undefined;
  private current: IIIConnectionState = 'disconnected';
  private readonly listeners = new Set<(s: IIIConnectionState) => void>();
  private attempts = 0;
  private retryTimer: ReturnType<typeof setTimeout> | undefined;
  private keepaliveTimer: ReturnType<typeof setInterval> | undefined;
  private lastFrameAt = 0;
  private stopped = false;

  constructor(
    private readonly address: string,
    private readonly opts: ConnectionOptions,
    private readonly events: ConnectionEvents,
  ) {}

  get state(): IIIConnectionState {
    return this.current;
  }

  get isOpen(): boolean {
    return this.ws !== undefined && this.ws.readyState === globalThis.WebSocket.OPEN;
  }

  start(): void {
    this.dial();
  }

  /** Sends now if the socket is open; false otherwise (the caller decides whether to queue). */
  send(frame: object): boolean {
    if (!this.isOpen || !this.ws) return false;
    this.ws.send(JSON.stringify(frame));
    return true;
  }

  addListener(handler: (s: IIIConnectionState) => void): () => void {
    this.listeners.add(handler);
    this.notify(handler, this.current);
    return () => {
      this.listeners.delete(handler);
    };
  }

  /** Irreversible: no reconnect, the socket is closed, state `disconnected`. */
  stop(): void {
    this.stopped = true;
    clearTimeout(this.retryTimer);
    this.stopKeepalive();
    const ws = this.ws;
    this.ws = undefined;
    if (ws) {
      detach(ws);
      ws.close();
    }
    this.setState('disconnected');
  }

  private dial(): void {
    if (this.stopped) return;
    this.setState('connecting');
    const ws = new globalThis.WebSocket(this.address);
    this.ws = ws;
    ws.onopen = () => {
      if (this.ws !== ws) return;
      this.attempts = 0;
      this.lastFrameAt = Date.now();
      this.setState('connected');
      this.startKeepalive(ws);
      this.events.onOpen();
    };
    ws.onmessage = (ev: MessageEvent) => {
      if (this.ws !== ws) return;
      this.lastFrameAt = Date.now();
      const frame = parseFrame(ev.data);
      if (frame) this.events.onFrame(frame);
    };
    ws.onerror = () => {
      // The close that follows does the work; the event itself carries no detail in browsers.
    };
    ws.onclose = () => {
      if (this.ws === ws) this.lost();
    };
  }

  /** The socket is gone (closed, failed to connect, or went silent): back off and dial again. */
  private lost(): void {
    const ws = this.ws;
    this.ws = undefined;
    if (ws) detach(ws);
    this.stopKeepalive();
    if (this.stopped) return;
    this.setState('disconnected');
    const { maxRetries } = this.opts.reconnection;
    if (maxRetries !== -1 && this.attempts >= maxRetries) {
      this.setState('failed');
      return;
    }
    this.setState('reconnecting');
    const delay = backoffDelay(this.opts.reconnection, this.attempts);
    this.attempts++;
    this.retryTimer = setTimeout(() => this.dial(), delay);
  }

  private startKeepalive(ws: WebSocket): void {
    const every = this.opts.keepaliveIntervalMs;
    if (every <= 0) return;
    this.keepaliveTimer = setInterval(() => {
      if (Date.now() - this.lastFrameAt > this.opts.idleTimeoutMs) {
        console.warn(`[iii] no frame from the engine for ${this.opts.idleTimeoutMs} ms: reconnecting`);
        ws.close();
        this.lost();
        return;
      }
      if (ws.readyState === globalThis.WebSocket.OPEN) ws.send('{"type":"ping"}');
    }, every);
  }

  private stopKeepalive(): void {
    clearInterval(this.keepaliveTimer);
    this.keepaliveTimer = undefined;
  }

  private setState(next: IIIConnectionState): void {
    if (next === this.current) return;
    this.current = next;
    for (const l of [...this.listeners]) this.notify(l, next);
  }

  private notify(l: (s: IIIConnectionState) => void, s: IIIConnectionState): void {
    try {
      l(s);
    } catch (err) {
      console.error('[iii] connection state listener threw', err);
    }
  }
}

function detach(ws: WebSocket): void {
  ws.onopen = null;
  ws.onmessage = null;
  ws.onerror = null;
  ws.onclose = null;
}
