/**
 * What a worker listener needs from the kernel, and nothing more: admit a socket as a worker, find a
 * channel end for `/ws/channels/{id}`, hand on telemetry frames. Modules get it as `ctx.workerHost`
 * (`iii-worker-manager` drives `transport/listener.ts` with it); the core builds it in `engine.ts`.
 * Types only, so the module contract can name it without pulling the kernel in.
 */
import type { ChannelItem, EngineToWorker, WorkerToEngine } from '../protocol/messages.ts';
import type { Session } from './session.ts';

/** What the core needs from a worker's socket. */
export interface PeerSocket {
  /** False if the socket is no longer open. */
  sendText(text: string): boolean;
  close(code: number, reason: string): void;
  /** False once the socket is closing (a close frame went either way); absent = open until closed. */
  isOpen?(): boolean;
}

export interface ConnectionLimits {
  maxFunctions: number;
  maxTriggers: number;
}

/** A worker connection as the transport drives it (`WorkerConnection` implements it). */
export interface WorkerSocketPeer {
  readonly id: string;
  /** Sends `workerregistered`, then makes the worker known. */
  open(): void;
  /** One decoded frame, strictly in order; a returned promise holds the socket's next frames back. */
  handle(msg: WorkerToEngine): void | Promise<void>;
  send(msg: EngineToWorker): boolean;
  /** An `error` frame (protocol.md §2.12). */
  sendError(code: string, message: string): void;
  /** The socket closed: settle what it touched and forget it. Idempotent. */
  close(): Promise<void>;
}

/** The socket operations a channel needs from the transport. */
export interface ChannelSocket {
  send(item: ChannelItem, done: (err?: Error) => void): void;
  close(code: number, reason: string): void;
  pause(): void;
  resume(): void;
}

/** A channel as one of its WebSocket ends sees it (protocol.md §6.2). */
export interface ChannelEnd {
  attachWriter(ws: ChannelSocket): boolean;
  attachReader(ws: ChannelSocket): boolean;
  push(item: ChannelItem): void;
  writerClosed(): void;
  readerDone(): void;
}

export interface WorkerHost {
  connect(
    socket: PeerSocket,
    session: Session,
    meta: { ipAddress: string | null; listener: string },
    limits: ConnectionLimits,
  ): WorkerSocketPeer;
  /** The channel with this id and access key, while it is open. */
  channel(id: string, key: string): ChannelEnd | undefined;
  /** The channel existed and is finished (a late socket is closed with `channel_closed`, not 404). */
  channelRecentlyClosed(id: string, key: string): boolean;
  /** A binary telemetry frame (protocol.md §7.1) for the `telemetry` service, if one is provided. Never throws. */
  ingestTelemetry(frame: Buffer, source: { workerId?: string }): void;
  /**
   * A Unix socket path the embedder asks the main trusted listener to listen on as well
   * (`startEngine({ localWorkerSocket })`; the `iii` CLI's local workers connect through it).
   */
  readonly localSocket?: string;
}
