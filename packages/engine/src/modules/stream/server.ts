/**
 * The subscriber WebSocket (`iii-stream` port, route `/` only; protocol.md §8). Frames from one socket are
 * handled one at a time, so a leave never overtakes the join before it.
 */
import { createServer, type IncomingMessage, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { Duplex } from 'node:stream';
import { type RawData, type WebSocket, WebSocketServer } from 'ws';
import { check } from '../../core/config/schema.ts';
import type { Logger } from '../../util/logger.ts';
import type { EngineApi } from '../module.ts';
import { authenticate } from './auth.ts';
import { clientFrame, joinData, leaveData } from './config.ts';
import { type ConnectionLimits, StreamConnection } from './connection.ts';
import { type JoinLeaveEvent, streamEvent } from './events.ts';
import type { StreamStore } from './store.ts';
import type { Subscription, SubscriptionIndex } from './subscriptions.ts';
import type { StreamTriggers } from './triggers.ts';

/** Client frames are tiny (join/leave); anything bigger is a misbehaving client. */
const MAX_CLIENT_FRAME_BYTES = 64 * 1024;
/** Frames waiting behind slow join handlers; past this a client is flooding and is closed (1008). */
const MAX_QUEUED_CLIENT_FRAMES = 1000;

export interface StreamServerDeps {
  engine: EngineApi;
  store: StreamStore;
  index: SubscriptionIndex;
  triggers: StreamTriggers;
  log: Logger;
  authFunction: () => string | undefined;
  limits: () => ConnectionLimits;
}

function leaveEvent(sub: Subscription, context: unknown): JoinLeaveEvent {
  return { subscription_id: sub.id, stream_name: sub.streamName, group_id: sub.groupId, id: sub.itemId, context };
}

export class StreamServer {
  private readonly http: Server;
  private readonly wss = new WebSocketServer({ noServer: true, maxPayload: MAX_CLIENT_FRAME_BYTES });
  private readonly conns = new Set<StreamConnection>();

  constructor(private readonly deps: StreamServerDeps) {
    this.http = createServer((_req, res) => {
      res.writeHead(426, { 'content-type': 'text/plain' }).end('WebSocket upgrade required');
    });
    this.http.on('upgrade', (req, socket, head) => void this.upgrade(req, socket, head));
  }

  async listen(host: string, port: number): Promise<AddressInfo> {
    await new Promise<void>((resolve, reject) => {
      this.http.once('error', reject);
      this.http.listen(port, host, () => {
        this.http.off('error', reject);
        resolve();
      });
    });
    return this.http.address() as AddressInfo;
  }

  async close(): Promise<void> {
    for (const c of this.conns) {
      c.release();
      c.ws.terminate();
    }
    this.wss.close();
    await new Promise<void>((resolve) => this.http.close(() => resolve()));
  }

  private async upgrade(req: IncomingMessage, socket: Duplex, head: Buffer): Promise<void> {
    const path = (req.url ?? '/').split('?')[0];
    if (path !== '/') {
      socket.end('HTTP/1.1 404 Not Found\r\nconnection: close\r\n\r\n');
      return;
    }
    socket.on('error', () => socket.destroy());
    const context = await authenticate(this.deps.engine, this.deps.authFunction(), req, this.deps.log);
    if (socket.destroyed) return;
    this.wss.handleUpgrade(req, socket, head, (ws) => this.accept(ws, context));
  }

  private accept(ws: WebSocket, context: unknown): void {
    const { index, triggers, log, limits } = this.deps;
    const conn = new StreamConnection(ws, context, index, limits, log, (sub, c) => triggers.fireLeave(leaveEvent(sub, c.context)));
    this.conns.add(conn);
    let queue: Promise<void> = Promise.resolve();
    let queued = 0;
    ws.on('message', (data: RawData) => {
      if (++queued > MAX_QUEUED_CLIENT_FRAMES) {
        ws.close(1008, 'too many unprocessed frames');
        return;
      }
      queue = queue
        .then(() => this.onFrame(conn, data))
        .catch((err: unknown) => log.debug('stream frame failed', { error: String(err) }))
        .finally(() => queued--);
    });
    ws.on('close', () => {
      conn.release();
      this.conns.delete(conn);
    });
    ws.on('error', (err) => log.debug('stream socket error', { error: err.message }));
  }

  private async onFrame(conn: StreamConnection, data: RawData): Promise<void> {
    let raw: unknown;
    try {
      raw = JSON.parse(
        Buffer.isBuffer(data) ? data.toString('utf8') : Buffer.concat(Array.isArray(data) ? data : [Buffer.from(data)]).toString('utf8'),
      );
    } catch {
      this.deps.log.debug('stream client sent invalid JSON; dropped');
      return;
    }
    const frame = check(clientFrame, raw);
    if (!frame.ok) return this.deps.log.debug('stream client frame dropped', { frame: raw });
    if (frame.value.type === 'join') return this.join(conn, frame.value.data);
    if (frame.value.type === 'leave') return this.leave(conn, frame.value.data);
    this.deps.log.debug('unknown stream client frame type; dropped', { type: frame.value.type });
  }

  private async join(conn: StreamConnection, data: unknown): Promise<void> {
    const r = check(joinData, data);
    if (!r.ok) return this.deps.log.debug('invalid join frame; dropped');
    const { subscriptionId, streamName, groupId } = r.value;
    const itemId = typeof r.value.id === 'string' ? r.value.id : null;
    const event: JoinLeaveEvent = {
      subscription_id: subscriptionId,
      stream_name: streamName,
      group_id: groupId,
      id: itemId,
      context: conn.context,
    };
    if (await this.deps.triggers.runJoin(event)) {
      conn.sendDirect(JSON.stringify(streamEvent(streamName, groupId, itemId, { type: 'unauthorized' })));
      return;
    }
    if (conn.closed) return;
    // Subscribe before reading so no change falls between the read and the subscription; changes that
    // arrive meanwhile wait in `pending` and follow the sync frame.
    const sub: Subscription = { id: subscriptionId, socket: conn, streamName, groupId, itemId, pending: [] };
    conn.addSubscription(sub);
    const snapshot = await this.syncData(streamName, groupId, itemId);
    conn.sendDirect(JSON.stringify(streamEvent(streamName, groupId, itemId, { type: 'sync', data: snapshot })));
    this.deps.index.activate(sub);
  }

  private async syncData(streamName: string, groupId: string, itemId: string | null): Promise<unknown> {
    const { store, log } = this.deps;
    try {
      if (itemId !== null) return await store.get({ stream_name: streamName, group_id: groupId, item_id: itemId });
      return await store.list(streamName, groupId);
    } catch (err) {
      log.warn('stream sync read failed', { stream_name: streamName, group_id: groupId, error: String(err) });
      return itemId !== null ? null : [];
    }
  }

  private leave(conn: StreamConnection, data: unknown): void {
    const r = check(leaveData, data);
    if (!r.ok) {
      this.deps.log.debug('invalid leave frame; dropped');
      return;
    }
    const sub = conn.removeSubscription(r.value.subscriptionId);
    if (sub) this.deps.triggers.fireLeave(leaveEvent(sub, conn.context));
  }
}
