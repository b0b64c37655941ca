/**
 * Channels (protocol.md §6): a bounded, ordered pipe between one writer and one reader. Either end can be
 * a WebSocket (`/ws/channels/{id}`) or the engine itself (HTTP request/response bodies).
 *
 * Back-pressure: the buffer holds at most `bufferSize` items; when full, a WebSocket writer's TCP socket
 * is paused and an engine writer's `write()` waits. Unlike the reference, a channel whose both ends have
 * finished is deleted at once (no leak), and a channel with a side that never connected is swept.
 *
 * Every HTTP request makes two of these and most never carry a byte, so a channel costs little until used:
 * a counter id and a pooled random key (channel-ids.ts), buffers and refs made on first use, and no map
 * entry once finished (finished channels are remembered in a fixed ring, see `ChannelHub`).
 */
import type { ChannelApi, EngineChannel } from '../modules/module.ts';
import type { ChannelItem, ChannelRef } from '../protocol/messages.ts';
import { ChannelIds, keyCheck, randomUuid } from './channel-ids.ts';
import type { ChannelEnd, ChannelSocket } from './worker-host.ts';

export const DEFAULT_BUFFER = 64;
const MAX_BUFFER = 1024;
const SWEEP_AGE_MS = 5 * 60_000;

type Side = 'open' | 'taken' | 'done';

export class Channel implements EngineChannel, ChannelEnd {
  readonly id: string;
  /** The id's counter (the hub's tombstone ring slot). */
  readonly seq: number;
  readonly key = randomUuid();
  readonly createdAt = Date.now();
  private readonly items: ChannelItem[] = [];
  private writer: Side = 'open';
  private reader: Side = 'open';
  private ended = false;
  private wsWriter: ChannelSocket | undefined;
  private wsReader: ChannelSocket | undefined;
  private inFlight = 0;
  private spaceWaiters: Array<() => void> | undefined;
  private itemWaiter: (() => void) | undefined;
  private activityWaiter: (() => void) | undefined;

  constructor(
    readonly bufferSize: number,
    private readonly hub: ChannelHub,
    ids: ChannelIds,
  ) {
    this.id = ids.take();
    this.seq = ids.lastSeq;
  }

  get readerRef(): ChannelRef {
    return { channel_id: this.id, access_key: this.key, direction: 'read' };
  }

  get writerRef(): ChannelRef {
    return { channel_id: this.id, access_key: this.key, direction: 'write' };
  }

  /** A side never connected: the sweeper may drop it. */
  get stale(): boolean {
    return this.writer === 'open' || this.reader === 'open';
  }

  // ---- writer side ----

  attachWriter(ws: ChannelSocket): boolean {
    if (this.writer !== 'open') return false;
    this.writer = 'taken';
    this.wsWriter = ws;
    return true;
  }

  /** From the writer socket. */
  push(item: ChannelItem): void {
    if (this.ended) return;
    this.items.push(item);
    if (this.items.length >= this.bufferSize) this.wsWriter?.pause();
    this.flush();
  }

  async write(item: ChannelItem): Promise<void> {
    if (this.writer === 'open') this.writer = 'taken';
    while (this.items.length >= this.bufferSize && this.reader !== 'done') {
      this.spaceWaiters ??= [];
      const waiters = this.spaceWaiters;
      await new Promise<void>((r) => waiters.push(r));
    }
    this.push(item);
  }

  end(): void {
    if (this.writer === 'open') this.writer = 'taken';
    if (this.ended) return;
    this.ended = true;
    this.writer = 'done';
    this.flush();
  }

  // ---- reader side ----

  attachReader(ws: ChannelSocket): boolean {
    if (this.reader !== 'open') return false;
    this.reader = 'taken';
    this.wsReader = ws;
    this.flush();
    return true;
  }

  /**
   * Engine as the reader-to-be: `fn` runs once, when the first item arrives or the writer ends (not when the
   * channel is destroyed). Lets the HTTP module start reading a response channel only if a handler uses it,
   * instead of parking an async reader on every request's channel.
   */
  onActivity(fn: () => void): void {
    if (this.items.length > 0 || this.ended) fn();
    else this.activityWaiter = fn;
  }

  async *read(): AsyncIterable<ChannelItem> {
    if (this.reader !== 'open') throw new Error('channel reader already taken');
    this.reader = 'taken';
    try {
      for (;;) {
        const item = this.items.shift();
        if (item) {
          this.released();
          yield item;
          continue;
        }
        if (this.ended) return;
        await new Promise<void>((r) => {
          this.itemWaiter = r;
        });
      }
    } finally {
      this.readerDone();
    }
  }

  /** The reader socket went away. */
  readerDone(): void {
    if (this.reader === 'done') return;
    this.reader = 'done';
    this.items.length = 0;
    this.released();
    this.maybeDone();
  }

  destroy(): void {
    this.activityWaiter = undefined;
    this.ended = true;
    const waiter = this.itemWaiter;
    this.itemWaiter = undefined;
    waiter?.();
    this.writer = 'done';
    this.wsWriter?.close(1001, 'channel destroyed');
    this.wsReader?.close(1001, 'channel destroyed');
    this.readerDone();
  }

  private flush(): void {
    if (this.activityWaiter) {
      const w = this.activityWaiter;
      this.activityWaiter = undefined;
      w();
    }
    if (this.itemWaiter) {
      const w = this.itemWaiter;
      this.itemWaiter = undefined;
      w();
    }
    const ws = this.wsReader;
    if (!ws) return;
    // Keep a small window of frames in flight so a slow reader pushes back on the writer.
    while (this.inFlight < 16 && this.items.length > 0) {
      const item = this.items.shift() as ChannelItem;
      this.inFlight++;
      ws.send(item, (err) => {
        this.inFlight--;
        if (err) return this.readerDone();
        this.flush();
      });
      this.released();
    }
    if (this.ended && this.items.length === 0 && this.inFlight === 0 && this.reader === 'taken') {
      ws.close(1000, 'stream_complete');
      this.readerDone();
    }
  }

  private released(): void {
    if (this.items.length < this.bufferSize) {
      this.wsWriter?.resume();
      const waiters = this.spaceWaiters;
      this.spaceWaiters = undefined;
      if (waiters) for (const w of waiters) w();
    }
  }

  private maybeDone(): void {
    if (this.reader === 'done' && (this.writer === 'done' || this.ended)) this.hub.forget(this);
  }

  /** Writer socket closed or errored: end of stream. */
  writerClosed(): void {
    this.end();
    this.maybeDone();
  }
}

/** Finished channels are remembered for one to two of these periods (two generations, rotated). */
const TOMBSTONE_MS = 30_000;
/**
 * …and among the last this-many channel ids: a ring slot per id counter (2^17 slots, 2.5 MiB of typed
 * arrays, ≥ 9 s of ids at 7,000 HTTP requests/s). A late endpoint of a finished channel connects within
 * milliseconds of its end, so the ring only has to span the time an SDK takes to open a socket.
 */
const RING = 1 << 17;

export class ChannelHub implements ChannelApi {
  private readonly channels = new Map<string, Channel>();
  private readonly ids = new ChannelIds();
  // Tombstones without a map entry or a kept string per finished channel (two per HTTP request, where the
  // maps' churn and the strings they kept alive were a visible share of the engine's GC): the id counter's
  // ring slot holds the counter, a 32-bit hash of the key and when the channel finished.
  private readonly ringSeq = new Float64Array(RING).fill(-1);
  private readonly ringKey = new Uint32Array(RING);
  private readonly ringAt = new Float64Array(RING);
  /** Tombstones older than this (ms since the epoch) are forgotten: the start of the older generation. */
  private validFrom = Date.now();
  private rotatedAt = Date.now();
  private readonly sweeper: NodeJS.Timeout;

  constructor() {
    this.sweeper = setInterval(() => this.sweep(), TOMBSTONE_MS);
    this.sweeper.unref();
  }

  get size(): number {
    return this.channels.size;
  }

  create(bufferSize?: number): Channel {
    const size = bufferSize === undefined ? DEFAULT_BUFFER : Math.min(MAX_BUFFER, Math.max(1, Math.floor(bufferSize)));
    const ch = new Channel(size, this, this.ids);
    this.channels.set(ch.id, ch);
    return ch;
  }

  /** Look a channel up for a socket; undefined for an unknown id or a wrong key. */
  lookup(id: string, key: string): Channel | undefined {
    const ch = this.channels.get(id);
    return ch && ch.key === key ? ch : undefined;
  }

  /**
   * A channel that just finished (e.g. an HTTP response channel dropped when the handler returned first).
   * An SDK endpoint that connects lazily after that gets a clean close instead of a 404 it would turn into
   * an uncaught stream error. A wrong key matches with odds of 2^-32, and then only earns a close of a
   * channel that no longer carries anything.
   */
  recentlyClosed(id: string, key: string): boolean {
    const seq = this.ids.seqOf(id);
    if (seq < 0 || this.channels.has(id)) return false;
    const slot = seq & (RING - 1);
    return this.ringSeq[slot] === seq && this.ringKey[slot] === keyCheck(key) && (this.ringAt[slot] as number) >= this.validFrom;
  }

  /** Called by a channel whose both sides are done. */
  forget(ch: Channel): void {
    if (!this.channels.delete(ch.id)) return;
    const slot = ch.seq & (RING - 1);
    this.ringSeq[slot] = ch.seq;
    this.ringKey[slot] = keyCheck(ch.key);
    this.ringAt[slot] = Date.now();
  }

  sweep(now = Date.now()): void {
    for (const ch of this.channels.values()) {
      if (ch.stale && now - ch.createdAt > SWEEP_AGE_MS) {
        ch.destroy();
        this.channels.delete(ch.id);
      }
    }
    const elapsed = now - this.rotatedAt;
    if (elapsed >= 2 * TOMBSTONE_MS) {
      this.validFrom = now;
      this.rotatedAt = now;
    } else if (elapsed >= TOMBSTONE_MS) {
      this.validFrom = this.rotatedAt;
      this.rotatedAt = now;
    }
  }

  close(): void {
    clearInterval(this.sweeper);
    for (const ch of this.channels.values()) ch.destroy();
    this.channels.clear();
  }
}
