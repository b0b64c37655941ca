/**
 * Channel ends over their own WebSocket (protocol.md §6.2), with browser primitives only: callbacks,
 * `ArrayBuffer`/`Uint8Array`, the global `WebSocket` read at use (tests and polyfills may replace it).
 */
import type { StreamChannelRef } from './types.ts';

/** Binary writes are cut into frames of at most this many bytes (as the official SDKs do). */
const FRAME_BYTES = 65_536;

/**
 * `<address>/ws/channels/<id>?key=…&dir=…`. Unlike the official SDK (which appends after the query and so
 * breaks when the address carries `?token=`), the path goes before the query and the address's own query
 * parameters are kept.
 */
export function channelUrl(address: string, ref: StreamChannelRef): string {
  const q = address.indexOf('?');
  const base = (q === -1 ? address : address.slice(0, q)).replace(/\/$/, '');
  const params = new URLSearchParams(q === -1 ? '' : address.slice(q + 1));
  params.delete('key');
  params.delete('dir');
  const own = params.toString();
  return `${base}/ws/channels/${ref.channel_id}?${own ? `${own}&` : ''}key=${encodeURIComponent(ref.access_key)}&dir=${ref.direction}`;
}

function open(address: string, ref: StreamChannelRef): WebSocket {
  const ws = new globalThis.WebSocket(channelUrl(address, ref));
  ws.binaryType = 'arraybuffer';
  return ws;
}

/** The sending end: text frames for `sendMessage`, binary frames (≤ 64 KiB each) for `sendBinary`. */
export class ChannelWriter {
  private ws: WebSocket | undefined;
  private readonly pending: (string | ArrayBuffer)[] = [];
  private closeAfterFlush = false;
  private closed = false;

  constructor(
    private readonly engineWsBase: string,
    private readonly ref: StreamChannelRef,
  ) {}

  sendMessage(msg: string): void {
    this.push(msg);
  }

  sendBinary(data: Uint8Array): void {
    for (let at = 0; at < data.byteLength; at += FRAME_BYTES) {
      const end = Math.min(at + FRAME_BYTES, data.byteLength);
      const copy = new Uint8Array(end - at);
      copy.set(data.subarray(at, end));
      this.push(copy.buffer);
    }
  }

  /** Ends the stream for the reader (close 1000 `channel_close`), after whatever is still buffered. */
  close(): void {
    if (this.closed) return;
    this.closed = true;
    const ws = this.ws;
    if (!ws) return;
    if (ws.readyState === globalThis.WebSocket.OPEN) ws.close(1000, 'channel_close');
    else this.closeAfterFlush = true;
  }

  private push(item: string | ArrayBuffer): void {
    if (this.closed) return;
    const ws = this.connect();
    if (ws.readyState === globalThis.WebSocket.OPEN) ws.send(item);
    else this.pending.push(item);
  }

  private connect(): WebSocket {
    if (this.ws) return this.ws;
    const ws = open(this.engineWsBase, this.ref);
    this.ws = ws;
    ws.onopen = () => {
      for (const item of this.pending.splice(0)) ws.send(item);
      if (this.closeAfterFlush) ws.close(1000, 'channel_close');
    };
    ws.onerror = () => {
      this.pending.length = 0;
    };
    return ws;
  }
}

/** The receiving end. Callbacks see the frames that arrive after they are set; any of them connects. */
export class ChannelReader {
  private ws: WebSocket | undefined;
  private readonly textListeners: ((s: string) => void)[] = [];
  private readonly binaryListeners: ((d: Uint8Array) => void)[] = [];
  private readonly closeListeners: (() => void)[] = [];

  constructor(
    private readonly engineWsBase: string,
    private readonly ref: StreamChannelRef,
  ) {}

  onMessage(cb: (s: string) => void): void {
    this.textListeners.push(cb);
    this.connect();
  }

  onBinary(cb: (d: Uint8Array) => void): void {
    this.binaryListeners.push(cb);
    this.connect();
  }

  /** Every binary frame until the writer ends, joined (text frames go to `onMessage` only). */
  readAll(): Promise<Uint8Array> {
    return new Promise((resolve) => {
      const parts: Uint8Array[] = [];
      this.binaryListeners.push((d) => parts.push(d));
      this.closeListeners.push(() => {
        const out = new Uint8Array(parts.reduce((n, p) => n + p.byteLength, 0));
        let at = 0;
        for (const p of parts) {
          out.set(p, at);
          at += p.byteLength;
        }
        resolve(out);
      });
      this.connect();
    });
  }

  close(): void {
    this.ws?.close(1000, 'channel_close');
  }

  private connect(): void {
    if (this.ws) return;
    const ws = open(this.engineWsBase, this.ref);
    this.ws = ws;
    ws.onmessage = (ev: MessageEvent) => {
      if (typeof ev.data === 'string') for (const cb of this.textListeners) cb(ev.data);
      else {
        const bytes = new Uint8Array(ev.data as ArrayBuffer);
        for (const cb of this.binaryListeners) cb(bytes);
      }
    };
    ws.onclose = () => {
      for (const cb of this.closeListeners.splice(0)) cb();
    };
  }
}
