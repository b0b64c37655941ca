/**
 * The connection to RabbitMQ, kept alive: one AMQP connection, one confirm channel for every
 * publish, and reconnection with backoff when the broker goes away. Consumers and topology caches
 * hook `onUp` to re-declare and resume after each reconnect.
 *
 * A publish resolves only on the broker's confirm (the message is persisted, or routed to a queue
 * that will persist it). While the broker is unreachable a publish waits for the next connection,
 * up to `publishTimeoutMs`, then fails with `E_QUEUE_AMQP_UNAVAILABLE`: never a silent loss.
 */
import { type Channel, type ChannelModel, type ConfirmChannel, connect, type Options } from 'amqplib';
import { EngineError } from '../../../../core/errors/index.ts';
import type { Logger } from '../../../../util/logger.ts';
import { redactUrl } from '../../../../util/redact-url.ts';
import type { Disposer } from '../../../module.ts';

export interface LinkOptions {
  url: string;
  log: Logger;
  /** How long a publish or admin call waits for the broker before failing. */
  publishTimeoutMs: number;
  /** First connect attempt: give up after this long. @default 5000 */
  connectTimeoutMs?: number;
}

const RECONNECT_MIN_MS = 100;
const RECONNECT_MAX_MS = 5000;

/** A silent network cut is noticed within two heartbeats (the broker's default is 60 s). */
function withHeartbeat(url: string): string {
  try {
    const u = new URL(url);
    if (!u.searchParams.has('heartbeat')) u.searchParams.set('heartbeat', '10');
    return u.toString();
  } catch {
    return url;
  }
}

function message(err: unknown): string {
  return err instanceof Error ? err.message : String(err);
}

interface Up {
  conn: ChannelModel;
  confirm: ConfirmChannel;
}

export class AmqpLink {
  readonly location: string;
  private up: Up | undefined;
  private closed = false;
  private attempt = 0;
  private reconnectTimer: NodeJS.Timeout | undefined;
  private waiters: Array<() => void> = [];
  private readonly upListeners = new Set<(conn: ChannelModel) => Promise<void> | void>();

  constructor(private readonly opts: LinkOptions) {
    this.location = redactUrl(opts.url);
  }

  /** First connection; fails with `E_QUEUE_AMQP_CONNECT` naming the broker when it cannot be reached. */
  async start(): Promise<void> {
    try {
      await this.connectOnce(this.opts.connectTimeoutMs ?? 5000);
    } catch (err) {
      throw new EngineError('E_QUEUE_AMQP_CONNECT', `queue: cannot connect to RabbitMQ at ${this.location}: ${message(err)}`, {
        cause: err,
      });
    }
  }

  get connected(): boolean {
    return this.up !== undefined;
  }

  /** `close()` was called (engine stopping or adapter swapped). */
  get isClosed(): boolean {
    return this.closed;
  }

  /** Run `fn` after every (re)connect; also now if connected. */
  onUp(fn: (conn: ChannelModel) => Promise<void> | void): Disposer {
    this.upListeners.add(fn);
    return () => this.upListeners.delete(fn);
  }

  /** The live connection, waiting (bounded) for one during an outage. */
  async connection(what: string): Promise<ChannelModel> {
    return (await this.waitUp(what)).conn;
  }

  /** Publish and wait for the broker's confirm; retried across reconnects until the deadline. */
  async publish(exchange: string, routingKey: string, content: Buffer, options: Options.Publish): Promise<void> {
    const deadline = Date.now() + this.opts.publishTimeoutMs;
    let lastError: unknown;
    for (;;) {
      const { confirm } = await this.waitUp(`publish to ${exchange || routingKey}`, deadline - Date.now());
      try {
        await new Promise<void>((resolve, reject) => {
          confirm.publish(exchange, routingKey, content, options, (err) => (err ? reject(err) : resolve()));
        });
        return;
      } catch (err) {
        lastError = err;
        // A nack or a dropped channel: the message may or may not be stored. Publishing it again is
        // at-least-once (a duplicate at worst); giving up silently would not be.
        if (this.closed || Date.now() >= deadline) break;
        if (this.up?.confirm === confirm) await this.sleep(RECONNECT_MIN_MS);
      }
    }
    throw new EngineError(
      'E_QUEUE_AMQP_UNAVAILABLE',
      `queue: RabbitMQ at ${this.location} did not confirm a publish: ${message(lastError)}`,
      {
        cause: lastError,
      },
    );
  }

  /** A short-lived channel for admin and topology calls (a failed call closes its own channel only). */
  async withChannel<T>(what: string, fn: (ch: Channel) => Promise<T>): Promise<T> {
    const conn = await this.connection(what);
    const ch = await conn.createChannel();
    ch.on('error', () => {}); // surfaced through the failing call
    try {
      return await fn(ch);
    } finally {
      await ch.close().catch(() => {});
    }
  }

  async close(): Promise<void> {
    this.closed = true;
    clearTimeout(this.reconnectTimer);
    const up = this.up;
    this.up = undefined;
    for (const w of this.waiters.splice(0)) w();
    // A connection whose socket died may never answer close-ok: do not wait on it for long.
    if (up) await Promise.race([up.conn.close().catch(() => {}), new Promise((r) => setTimeout(r, 1000).unref())]);
  }

  private async connectOnce(timeoutMs: number): Promise<void> {
    const conn = await connect(withHeartbeat(this.opts.url), { timeout: timeoutMs, clientProperties: { connection_name: 'triad-queue' } });
    try {
      const confirm = await this.confirmChannel(conn);
      conn.on('error', () => {}); // 'close' follows, with the error
      conn.on('close', (err?: Error) => this.dropped(conn, err));
      this.up = { conn, confirm };
      this.attempt = 0;
      for (const w of this.waiters.splice(0)) w();
    } catch (err) {
      await conn.close().catch(() => {});
      throw err;
    }
    for (const fn of this.upListeners) {
      try {
        await fn(conn);
      } catch (err) {
        this.opts.log.warn('queue: RabbitMQ setup after connect failed', { url: this.location, error: message(err) });
      }
    }
  }

  /**
   * The publish channel. A channel-level error (e.g. a publish to an exchange someone deleted) closes only
   * the channel: open a new one on the same connection so later publishes are not stuck behind it.
   */
  private async confirmChannel(conn: ChannelModel): Promise<ConfirmChannel> {
    const confirm = await conn.createConfirmChannel();
    confirm.on('error', (err: Error) =>
      this.opts.log.warn('queue: RabbitMQ publish channel error', { url: this.location, error: err.message }),
    );
    confirm.on('close', () => {
      if (this.closed || this.up?.conn !== conn || this.up.confirm !== confirm) return;
      this.confirmChannel(conn).then(
        (next) => {
          if (this.up?.conn === conn) this.up = { conn, confirm: next };
        },
        () => {}, // the connection is going down too: `dropped` reconnects
      );
    });
    return confirm;
  }

  private dropped(conn: ChannelModel, err: Error | undefined): void {
    if (this.up?.conn !== conn) return;
    this.up = undefined;
    if (this.closed) return;
    this.opts.log.warn('queue: lost the RabbitMQ connection; reconnecting', { url: this.location, error: err ? err.message : 'closed' });
    this.scheduleReconnect();
  }

  private scheduleReconnect(): void {
    if (this.closed) return;
    const delay = Math.min(RECONNECT_MAX_MS, RECONNECT_MIN_MS * 2 ** this.attempt++);
    this.reconnectTimer = setTimeout(() => {
      this.connectOnce(Math.max(1000, delay)).then(
        () => this.opts.log.info('queue: reconnected to RabbitMQ', { url: this.location }),
        (err: unknown) => {
          this.opts.log.debug('queue: RabbitMQ reconnect attempt failed', { url: this.location, error: message(err) });
          this.scheduleReconnect();
        },
      );
    }, delay);
    this.reconnectTimer.unref();
  }

  /** Resolve with the live connection, or fail once `timeoutMs` passes (or the link closes). */
  private async waitUp(what: string, timeoutMs = this.opts.publishTimeoutMs): Promise<Up> {
    const deadline = Date.now() + Math.max(0, timeoutMs);
    while (!this.up) {
      if (this.closed) throw new EngineError('E_QUEUE_STORE_CLOSED', `queue: ${what}: the RabbitMQ link is closed`);
      const left = deadline - Date.now();
      if (left <= 0)
        throw new EngineError('E_QUEUE_AMQP_UNAVAILABLE', `queue: ${what}: RabbitMQ at ${this.location} unreachable for ${timeoutMs} ms`);
      await new Promise<void>((resolve) => {
        const timer = setTimeout(done, left);
        function done(): void {
          clearTimeout(timer);
          resolve();
        }
        this.waiters.push(done);
      });
    }
    return this.up;
  }

  private sleep(ms: number): Promise<void> {
    return new Promise((resolve) => setTimeout(resolve, ms).unref());
  }
}
