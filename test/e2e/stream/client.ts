/** A raw stream-socket client for tests (protocol.md §8): records every frame, waits on counts. */
import { once } from 'node:events';
import WebSocket from 'ws';
import { waitFor } from '../../helpers/wait.ts';

export interface Frame {
  type: string;
  timestamp: number;
  streamName: string;
  groupId: string;
  id: string | null;
  event: { type: string; data?: unknown; event?: { type: string; data: unknown } };
}

export class StreamClient {
  readonly frames: Frame[] = [];
  closeCode: number | undefined;
  closeReason = '';

  private constructor(readonly ws: WebSocket) {
    ws.on('message', (data) => this.frames.push(JSON.parse(String(data)) as Frame));
    ws.on('close', (code, reason) => {
      this.closeCode = code;
      this.closeReason = String(reason);
    });
  }

  static async connect(url: string): Promise<StreamClient> {
    const ws = new WebSocket(url);
    const client = new StreamClient(ws);
    await once(ws, 'open');
    return client;
  }

  join(subscriptionId: string, streamName: string, groupId: string, id?: string): void {
    this.ws.send(JSON.stringify({ type: 'join', data: { subscriptionId, streamName, groupId, ...(id ? { id } : {}) } }));
  }

  leave(subscriptionId: string, streamName: string, groupId: string): void {
    this.ws.send(JSON.stringify({ type: 'leave', data: { subscriptionId, streamName, groupId } }));
  }

  /** Resolve once `n` frames have arrived; returns them. */
  async waitFrames(n: number, timeoutMs = 10_000): Promise<Frame[]> {
    await waitFor(() => this.frames.length >= n, { timeoutMs, what: `${n} stream frames (have ${this.frames.length})` });
    return this.frames.slice(0, n);
  }

  async close(): Promise<void> {
    if (this.ws.readyState === WebSocket.CLOSED) return;
    const closed = once(this.ws, 'close');
    this.ws.close();
    await closed;
  }
}

/** The part of a frame that does not depend on the clock. */
export function shape(f: Frame): Omit<Frame, 'timestamp'> {
  const { timestamp: _t, ...rest } = f;
  return rest;
}
