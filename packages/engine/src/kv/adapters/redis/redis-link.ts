/**
 * One Redis connection of the kv redis adapter, with the failure behaviour issue 14 asks for:
 *
 * - at start it must connect within `connect_timeout_ms`, else a coded error naming the service and URL;
 * - afterwards it reconnects forever with capped exponential backoff (50 ms doubling to 2 s);
 * - a call made while it is down waits up to `command_timeout_ms` for the link to come back, then fails
 *   with `E_KV_REDIS_UNAVAILABLE` (the module wraps it in its operation code: SET_ERROR, …): nothing hangs;
 * - nothing is queued or replayed behind the caller's back (no offline queue, no resend of commands that
 *   were in flight when the link dropped), so a call that failed is never applied later as a ghost write.
 *   A command in flight at the drop fails; whether Redis applied it is unknown, as with any network store.
 *
 * `ioredis` is loaded on demand so the engine does not need it unless a redis adapter is configured.
 */
import type { Redis, RedisOptions } from 'ioredis';
import { EngineError } from '../../../core/errors/index.ts';
import { redactUrl } from '../../../util/redact-url.ts';

export interface RedisLinkOptions {
  url: string;
  /** Names the service in errors, e.g. `state`. */
  service: string;
  /** Code of the start-up failure, e.g. `E_STATE_REDIS_CONNECT`. */
  connectErrorCode: string;
  connectTimeoutMs: number;
  /** Per command, and how long a call waits for a dropped link to come back. `0`: no command timeout. */
  commandTimeoutMs: number;
  /** A name shown by `CLIENT LIST`, to find our connections when debugging. */
  name: string;
}

const backoff = (attempt: number): number => Math.min(50 * 2 ** Math.min(attempt, 6), 2000);

export class RedisLink {
  /** Callers waiting in `ready()`; told at `close()` so a shutdown during an outage does not wait for Redis. */
  private readonly waiting = new Set<() => void>();
  private closed = false;

  private constructor(
    readonly redis: Redis,
    private readonly opts: RedisLinkOptions,
  ) {}

  static async open(opts: RedisLinkOptions): Promise<RedisLink> {
    const { Redis } = await import('ioredis');
    const options: RedisOptions = {
      lazyConnect: true,
      connectionName: opts.name,
      connectTimeout: opts.connectTimeoutMs,
      enableOfflineQueue: false,
      autoResendUnfulfilledCommands: false,
      maxRetriesPerRequest: 0,
      retryStrategy: backoff,
      ...(opts.commandTimeoutMs > 0 ? { commandTimeout: opts.commandTimeoutMs } : {}),
    };
    const redis = new Redis(opts.url, options);
    // Errors surface through the calls; without a listener ioredis prints every reconnect failure. The socket
    // error (ECONNREFUSED, …) says more than the rejection of connect() ("Connection is closed").
    let socketError: unknown;
    redis.on('error', (err) => {
      socketError = err;
    });
    try {
      await redis.connect();
    } catch (err) {
      redis.disconnect();
      const why = errorText(socketError ?? err);
      throw new EngineError(opts.connectErrorCode, `${opts.service}: cannot connect to Redis at ${redactUrl(opts.url)}: ${why}`, {
        cause: err,
      });
    }
    return new RedisLink(redis, opts);
  }

  /** The URL as errors show it (password masked). */
  get url(): string {
    return redactUrl(this.opts.url);
  }

  /** Resolves when commands can be sent; waits for a reconnect up to the command timeout. */
  ready(waitMs = this.opts.commandTimeoutMs): Promise<void> {
    const { redis } = this;
    if (redis.status === 'ready') return Promise.resolve();
    if (this.closed || redis.status === 'end') return Promise.reject(this.unavailable('the connection is closed'));
    return new Promise((resolve, reject) => {
      const done = (): void => {
        clearTimeout(timer);
        redis.off('ready', onReady);
        redis.off('end', onEnd);
        this.waiting.delete(onEnd);
      };
      const onReady = (): void => {
        done();
        resolve();
      };
      const onEnd = (): void => {
        done();
        reject(this.unavailable('the connection is closed'));
      };
      const timer =
        waitMs > 0
          ? setTimeout(() => {
              done();
              reject(this.unavailable(`no connection for ${waitMs} ms (status ${redis.status})`));
            }, waitMs)
          : undefined;
      redis.on('ready', onReady);
      redis.on('end', onEnd);
      this.waiting.add(onEnd);
    });
  }

  /** Wait for the link, then run `fn`. */
  async run<T>(fn: (redis: Redis) => Promise<T>): Promise<T> {
    await this.ready();
    return fn(this.redis);
  }

  /**
   * `graceful`: QUIT, which waits for the replies to commands already sent (not for a blocking read: the feed
   * reader closes abruptly). A link that is down is simply dropped, and calls waiting for it fail at once.
   */
  async close(graceful = true): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    for (const fail of [...this.waiting]) fail();
    if (graceful && this.redis.status === 'ready') await this.redis.quit().catch(() => undefined);
    this.redis.disconnect();
  }

  private unavailable(why: string): EngineError {
    return new EngineError('E_KV_REDIS_UNAVAILABLE', `${this.opts.service}: Redis at ${this.url} is unavailable: ${why}`);
  }
}

export function errorText(err: unknown): string {
  if (err instanceof AggregateError) return err.errors.map(errorText).join('; ') || err.message;
  return err instanceof Error ? err.message : String(err);
}
