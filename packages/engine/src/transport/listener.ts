/**
 * A worker listener (default 127.0.0.1:49134): `/` worker protocol, `/otel` telemetry, `/ws/channels/{id}`.
 * Anything else is a JSON 404. With `unixSocket` the same HTTP server also takes connections from a Unix
 * domain socket (unix-socket.ts), so both doors behave alike. Sessions (RBAC) are decided by `sessionFor` after the upgrade, as the
 * reference does: a refusal is one `error` frame and a close.
 */
import { createServer, type IncomingMessage, type Server } from 'node:http';
import type { AddressInfo, Socket } from 'node:net';
import { WebSocket, WebSocketServer } from 'ws';
import type { Session } from '../core/session.ts';
import type { ConnectionLimits, WorkerHost } from '../core/worker-host.ts';
import { isTelemetryFrame } from '../protocol/codec.ts';
import type { Logger } from '../util/logger.ts';
import { bindChannelSocket } from './channel-socket.ts';
import { sendCoalesced } from './coalesce.ts';
import { refuseSocket } from './refuse-socket.ts';
import { stripSecretPrefix } from './secret-path.ts';
import { listenUnixSocket, type UnixSocketListener, unixSocketUrl } from './unix-socket.ts';
import { bindWorkerSocket } from './worker-socket.ts';

export interface ListenerOptions {
  name: string;
  host: string;
  port: number;
  /** Also listen on this Unix socket path (absolute). */
  unixSocket?: string;
  handshakeTimeoutMs: number;
  maxFrameBytes: number;
  /** Bytes queued towards one worker before further frames are refused (a stuck or slow reader). */
  maxOutboundBytes: number;
  limits: ConnectionLimits;
  /** Decide the session for a new socket; throw (with a message) to refuse it. */
  sessionFor(req: IncomingMessage): Promise<Session> | Session;
}

export class WorkerListener {
  private server: Server | undefined;
  private unix: UnixSocketListener | undefined;
  private readonly wss: WebSocketServer;
  private readonly sockets = new Set<WebSocket>();

  constructor(
    private readonly host: WorkerHost,
    private readonly opts: ListenerOptions,
    private readonly log: Logger,
  ) {
    // Frames a little over the limit are still read so the sender gets a coded answer; far over, ws closes (1009).
    this.wss = new WebSocketServer({ noServer: true, maxPayload: opts.maxFrameBytes * 2 + 4096, perMessageDeflate: false });
  }

  async listen(): Promise<string> {
    const server = createServer((_req, res) => {
      res.writeHead(404, { 'content-type': 'application/json' });
      res.end(JSON.stringify({ error: { code: 'NOT_FOUND', message: 'Not Found' } }));
    });
    server.headersTimeout = this.opts.handshakeTimeoutMs;
    server.requestTimeout = this.opts.handshakeTimeoutMs;
    server.on('upgrade', (req, socket: Socket, head) => this.onUpgrade(req, socket, head));
    server.on('connection', (s: Socket) => s.setNoDelay(true));
    this.server = server;
    await new Promise<void>((resolve, reject) => {
      server.once('error', reject);
      server.listen(this.opts.port, this.opts.host, () => {
        server.off('error', reject);
        resolve();
      });
    });
    // Connections from the socket file go through the same HTTP server (timeouts, upgrades, 404s).
    if (this.opts.unixSocket !== undefined) {
      try {
        this.unix = await listenUnixSocket(this.opts.unixSocket, (s) => server.emit('connection', s));
      } catch (err) {
        await new Promise<void>((resolve) => server.close(() => resolve()));
        throw err;
      }
    }
    const addr = server.address() as AddressInfo;
    const host = this.opts.host === '0.0.0.0' || this.opts.host === '::' ? '127.0.0.1' : this.opts.host;
    return `ws://${host}:${addr.port}`;
  }

  /** `ws+unix:///path.sock:/` while listening on a Unix socket. */
  get unixUrl(): string | undefined {
    return this.unix ? unixSocketUrl(this.unix.path) : undefined;
  }

  async close(): Promise<void> {
    for (const ws of this.sockets) ws.terminate();
    this.wss.close();
    await Promise.all([new Promise<void>((resolve) => (this.server ? this.server.close(() => resolve()) : resolve())), this.unix?.close()]);
    this.unix = undefined;
    this.server?.closeAllConnections();
  }

  private onUpgrade(req: IncomingMessage, socket: Socket, head: Buffer): void {
    socket.setNoDelay(true);
    const url = new URL(req.url ?? '/', 'http://x');
    // `/secret/<s>/…` carries the engine secret for clients that can only be given a base URL.
    const path = stripSecretPrefix(url.pathname);
    if (path === '/' || path === '/otel') {
      this.wss.handleUpgrade(req, socket, head, (ws) => this.onSocket(ws, req, path === '/otel'));
      return;
    }
    const m = /^\/ws\/channels\/([^/]+)$/.exec(path);
    if (m) {
      const dir = url.searchParams.get('dir');
      const id = decodeURIComponent(m[1] as string);
      const key = url.searchParams.get('key') ?? '';
      const channel = this.host.channel(id, key);
      if (!channel && (dir === 'read' || dir === 'write') && this.host.channelRecentlyClosed(id, key)) {
        this.wss.handleUpgrade(req, socket, head, (ws) => ws.close(1000, 'channel_closed'));
        return;
      }
      if (!channel || (dir !== 'read' && dir !== 'write')) {
        socket.end(
          `HTTP/1.1 404 Not Found\r\ncontent-type: application/json\r\nconnection: close\r\n\r\n${JSON.stringify({ error: { code: 'E_CHANNEL_NOT_FOUND', message: 'Channel not found' } })}`,
        );
        return;
      }
      this.wss.handleUpgrade(req, socket, head, (ws) => bindChannelSocket(ws, channel, dir));
      return;
    }
    socket.end('HTTP/1.1 404 Not Found\r\nconnection: close\r\n\r\n');
  }

  private async onSocket(ws: WebSocket, req: IncomingMessage, telemetryOnly: boolean): Promise<void> {
    this.sockets.add(ws);
    ws.on('close', () => this.sockets.delete(ws));
    // Frames that arrive while the session is being decided are held, in order.
    const early: Array<[Buffer, boolean]> = [];
    const hold = (d: Buffer, b: boolean): void => {
      early.push([d, b]);
    };
    ws.on('message', hold);
    let session: Session;
    try {
      session = await this.opts.sessionFor(req);
    } catch (err) {
      ws.off('message', hold);
      if (ws.readyState === WebSocket.OPEN) refuseSocket(ws, early, err instanceof Error ? err.message : String(err));
      return;
    }
    ws.off('message', hold);
    if (ws.readyState !== WebSocket.OPEN) return;
    if (telemetryOnly) return this.bindTelemetry(ws, early);
    const conn = this.host.connect(
      {
        sendText: (t) => sendText(ws, t, this.opts.maxOutboundBytes),
        close: (c, r) => ws.close(c, r),
        isOpen: () => ws.readyState === WebSocket.OPEN,
      },
      session,
      { ipAddress: normaliseIp(req.socket.remoteAddress), listener: this.opts.name },
      this.opts.limits,
    );
    bindWorkerSocket(ws, conn, {
      maxFrameBytes: this.opts.maxFrameBytes,
      log: this.log,
      telemetry: (f, s) => this.host.ingestTelemetry(f, s),
    });
    conn.open();
    for (const [d, b] of early) ws.emit('message', d, b);
  }

  private bindTelemetry(ws: WebSocket, early: Array<[Buffer, boolean]>): void {
    const onFrame = (d: Buffer, isBinary: boolean): void => {
      if (isBinary && isTelemetryFrame(d)) this.host.ingestTelemetry(d, {});
    };
    ws.on('message', onFrame);
    for (const [d, b] of early) onFrame(d, b);
  }
}

function sendText(ws: WebSocket, text: string, maxOutboundBytes: number): boolean {
  if (ws.readyState !== WebSocket.OPEN) return false;
  // A worker that stops reading must not grow the engine's memory without bound: past the limit, frames
  // are refused (a call towards it fails with channel_send_failed instead of queueing forever).
  if (ws.bufferedAmount > maxOutboundBytes) return false;
  sendCoalesced(ws, text);
  return true;
}

function normaliseIp(ip: string | undefined): string | null {
  if (!ip) return null;
  return ip.startsWith('::ffff:') ? ip.slice(7) : ip;
}
