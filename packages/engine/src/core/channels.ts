/**
 * Channels (protocol.md §6): a bounded, ordered pipe between one writer and one reader. Either end can be
 * a WebSocket (`/ws/channels/{id}`) or the engine itself (HTTP request/response bodies).
 *
 * Back-pressure: the buffer holds at most `bufferSize` items; when full, a WebSocket writer's TCP socket
 * is paused and an engine writer's `write()` waits. Unlike the reference, a channel whose both ends have
 * finished is deleted at once (no leak), and a channel with a side that never connected is swept.
 */
import { randomUUID } from 'node:crypto';
import type { ChannelApi, EngineChannel } from '../modules/module.ts';
import type { ChannelItem, ChannelRef } from '../protocol/messages.ts';
import type { ChannelEnd, ChannelSocket } from './worker-host.ts';

export const DEFAULT_BUFFER = 64;
const MAX_BUFFER = 1024;
const SWEEP_AGE_MS = 5 * 60_000;

type Side = 'open' | 'taken' | 'done';

export class Channel implements EngineChannel, ChannelEnd {
  readonly id = randomUUID();
  readonly key = randomUUID();
  readonly createdAt = Date.now();
  readonly readerRef: ChannelRef;
  readonly writerRef: ChannelRef;
  private readonly items: ChannelItem[] = [];
  private writer: Side = 'open';
  private reader: Side = 'open';
  private ended = false;
  private wsWriter: ChannelSocket | undefined;
  private wsReader: ChannelSocket | undefined;
  private inFlight = 0;
  private readonly spaceWaiters: Array<() => void> = [];
  private itemWaiter: (() => void) | undefined;
  private activityWaiter: (() => void) | undefined;

  constructor(
    readonly bufferSize: number,
    private readonly onDone: (c: Channel) => void,
  ) {
    this.readerRef = { channel_id: this.id, access_key: this.key, direction: 'read' };
    this.writerRef = { channel_id: this.id, access_key: this.key, direction: 'write' };
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
    while (this.items.length >= this.bufferSize && this.reader !== 'done') await new Promise<void>((r) => this.spaceWaiters.push(r));
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
      for (const w of this.spaceWaiters.splice(0)) w();
    }
  }

  private maybeDone(): void {
    if (this.reader === 'done' && (this.writer === 'done' || this.ended)) this.onDone(this);
  }

  /** Writer socket closed or errored: end of stream. */
  writerClosed(): void {
    this.end();
    this.maybeDone();
  }
}

/** Finished channels are remembered for one to two of these periods (two generations, rotated). */
const TOMBSTONE_MS = 30_000;
/** A generation also rotates early past this many entries, so memory stays bounded under any load. */
const MAX_GENERATION = 50_000;

export class ChannelHub implements ChannelApi {
  private readonly channels = new Map<string, Channel>();
  // Two generations of id → key: adding is one Map.set on the hot path; rotation drops the older one whole.
  private tombstones = new Map<string, string>();
  private olderTombstones = new Map<string, string>();
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
    const size = Math.min(MAX_BUFFER, Math.max(1, Math.floor(bufferSize ?? DEFAULT_BUFFER)));
    const ch = new Channel(size, (c) => this.forget(c));
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
   * an uncaught stream error.
   */
  recentlyClosed(id: string, key: string): boolean {
    return (this.tombstones.get(id) ?? this.olderTombstones.get(id)) === key;
  }

  private forget(ch: Channel): void {
    if (!this.channels.delete(ch.id)) return;
    this.tombstones.set(ch.id, ch.key);
    if (this.tombstones.size > MAX_GENERATION) this.rotate(Date.now());
  }

  private rotate(now: number): void {
    this.olderTombstones = this.tombstones;
    this.tombstones = new Map();
    this.rotatedAt = now;
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
      this.rotate(now);
      this.olderTombstones = new Map();
    } else if (elapsed >= TOMBSTONE_MS) {
      this.rotate(now);
    }
  }

  close(): void {
    clearInterval(this.sweeper);
    for (const ch of this.channels.values()) ch.destroy();
    this.channels.clear();
  }
}
