/**
 * One subscriber socket: its subscriptions, its auth context and the slow-consumer policy.
 *
 * Backpressure: before each frame we read `ws.bufferedAmount` (bytes handed to the socket but not yet
 * written to the kernel). Past `maxBuffered` the socket is a slow consumer: with `close` it loses its
 * subscriptions at once (no further frame is queued, so its memory stops growing) and is closed with
 * 1013 "try again later"; with `drop_frames` frames are skipped while it stays over the limit.
 */
import type { WebSocket } from 'ws';
import type { Logger } from '../../util/logger.ts';
import type { SubscriberSocket, Subscription, SubscriptionIndex } from './subscriptions.ts';

export const SLOW_CONSUMER_CLOSE_CODE = 1013;

export interface ConnectionLimits {
  maxBuffered: number;
  policy: 'close' | 'drop_frames';
}

export class StreamConnection implements SubscriberSocket {
  readonly subs = new Map<string, Subscription>();
  closed = false;
  private dropped = 0;

  constructor(
    readonly ws: WebSocket,
    readonly context: unknown,
    private readonly index: SubscriptionIndex,
    private readonly limits: () => ConnectionLimits,
    private readonly log: Logger,
    /** Called for every subscription the connection loses on close or drop (fires `stream:leave`). */
    private readonly onLeave: (sub: Subscription, conn: StreamConnection) => void,
  ) {}

  deliver(frame: Buffer): void {
    if (this.closed) return;
    const { maxBuffered, policy } = this.limits();
    if (this.ws.bufferedAmount > maxBuffered) {
      if (policy === 'close') this.dropSlow(maxBuffered);
      else if (this.dropped++ === 0) this.log.warn('stream subscriber is slow; skipping frames', { buffered: this.ws.bufferedAmount });
      return;
    }
    this.dropped = 0;
    // binary: false → a text frame; ws sends the shared buffer as is (no copy, no re-encoding).
    this.ws.send(frame, { binary: false });
  }

  /** Send a frame regardless of subscriptions (sync, unauthorized). */
  sendDirect(json: string): void {
    if (!this.closed) this.deliver(Buffer.from(json));
  }

  addSubscription(sub: Subscription): void {
    const previous = this.subs.get(sub.id);
    if (previous) this.index.remove(previous);
    this.subs.set(sub.id, sub);
    this.index.add(sub);
  }

  removeSubscription(id: string): Subscription | undefined {
    const sub = this.subs.get(id);
    if (!sub) return undefined;
    this.subs.delete(id);
    this.index.remove(sub);
    return sub;
  }

  /** The socket ended (or is being dropped): forget every subscription and fire their leave triggers. */
  release(): void {
    if (this.closed) return;
    this.closed = true;
    for (const id of [...this.subs.keys()]) {
      const sub = this.removeSubscription(id);
      if (sub) this.onLeave(sub, this);
    }
  }

  private dropSlow(maxBuffered: number): void {
    const buffered = this.ws.bufferedAmount;
    this.release();
    this.log.warn('dropping slow stream subscriber', {
      code: 'E_STREAM_SLOW_CONSUMER',
      buffered,
      max_buffered_bytes_per_socket: maxBuffered,
    });
    // The close frame queues behind the unsent bytes; ws destroys the socket if the handshake never completes.
    this.ws.close(SLOW_CONSUMER_CLOSE_CODE, `E_STREAM_SLOW_CONSUMER: more than ${maxBuffered} bytes unsent`);
  }
}
