/**
 * The bridge link: this engine as a worker of another engine (the backend), over the worker protocol.
 * Every `bridge` adapter and the `iii-bridge` worker talk to their backend through one of these.
 *
 * A small client of our own rather than the iii-sdk, because the SDK (0.22.1), embedded in an engine:
 * - answers every handler failure with code `invocation_failed`, so an exposed function's own code is lost;
 * - queues frames without bound while disconnected, and sends calls that already timed out after reconnect;
 * - keeps sent calls waiting for their timeout when the socket drops (their results can never arrive);
 * - has no connection events (configuration must re-read its cache after a reconnect);
 * - initialises OpenTelemetry and metrics globally and logs to the console.
 * What it does well is kept: reconnect with backoff and jitter, `reattach` with the previous worker id,
 * replay of every function and trigger registration, keep-alive pings with an idle timeout.
 *
 * @example
 * const link = new BridgeLink({ url: 'ws://10.0.0.2:49134', workerName: 'bridge', log });
 * link.start();
 * const value = await link.call('state::get', { scope: 's', key: 'k' });
 */
import { randomUUID } from 'node:crypto';
import { hostname } from 'node:os';
import WebSocket from 'ws';
import { EngineError, type ErrorBody } from '../core/errors/index.ts';
import type { InvokeFunctionMsg, RegisterFunctionMsg, RegisterTriggerMsg } from '../protocol/messages.ts';
import type { Logger } from '../util/logger.ts';
import { LinkCalls } from './calls.ts';
import { linkError } from './errors.ts';
import { type ExposedHandler, runExposed } from './exposed.ts';

export interface BridgeLinkOptions {
  url: string;
  /** Name the backend lists this link under (`engine::workers::list`). */
  workerName: string;
  log: Logger;
  /** Sent as `Authorization: Bearer <secret>`: the backend's listener secret (docs/security.md). */
  secret?: string | undefined;
  /** Default per-call timeout. @default 30000 */
  timeoutMs?: number;
  /** How long a call made while disconnected waits for the link. @default 5000 */
  offlineWaitMs?: number;
  /** How many calls may wait for the link at once; more fail at once with E_BRIDGE_OFFLINE. @default 1024 */
  maxParked?: number;
  /** True when `workerId` is a connection of this very engine: the link points at itself and stops. */
  isSelf?: (workerId: string) => boolean;
}

export type LinkState = 'connecting' | 'up' | 'down' | 'closed';

const PING_MS = 20_000;
const IDLE_MS = 60_000;
const BACKOFF_MIN_MS = 100;
const BACKOFF_MAX_MS = 5_000;

export class BridgeLink {
  private ws: WebSocket | undefined;
  private state: LinkState = 'down';
  private attempt = 0;
  private reconnectTimer: NodeJS.Timeout | undefined;
  private heartbeat: NodeJS.Timeout | undefined;
  private idle: NodeJS.Timeout | undefined;
  private identity: { workerId: string; token?: string } | undefined;
  private readonly functions = new Map<string, { msg: RegisterFunctionMsg; handler: ExposedHandler }>();
  private readonly triggers = new Map<string, RegisterTriggerMsg>();
  private readonly listeners = new Set<(state: LinkState) => void>();
  private readonly calls: LinkCalls;
  readonly timeoutMs: number;

  constructor(private readonly opts: BridgeLinkOptions) {
    this.timeoutMs = opts.timeoutMs ?? 30_000;
    this.calls = new LinkCalls({ maxParked: opts.maxParked ?? 1024, offlineWaitMs: opts.offlineWaitMs ?? 5_000 });
  }

  get url(): string {
    return this.opts.url;
  }

  get connected(): boolean {
    return this.state === 'up';
  }

  /** Calls that wait for the link to come back (bounded by `maxParked`). */
  get parkedCalls(): number {
    return this.calls.parkedCount;
  }

  /** Connect in the background; never throws (a down backend is retried forever, with backoff). */
  start(): void {
    if (this.state === 'closed' || this.ws) return;
    this.connect();
  }

  /** `up` after each (re)connection, once its registrations were replayed; `down` when it drops. */
  onState(fn: (state: LinkState) => void): () => void {
    this.listeners.add(fn);
    return () => this.listeners.delete(fn);
  }

  /** Call a remote function. Rejects with the remote error's own code, or an `E_BRIDGE_*` link error. */
  call(
    functionId: string,
    data: unknown,
    opts: { timeoutMs?: number; metadata?: unknown; traceparent?: string | undefined; baggage?: string | undefined } = {},
  ): Promise<unknown> {
    if (this.state === 'closed') return Promise.reject(linkError('E_BRIDGE_CLOSED', 'the bridge link is closed'));
    const frame: InvokeFunctionMsg & { invocation_id: string } = {
      type: 'invokefunction',
      invocation_id: randomUUID(),
      function_id: functionId,
      data: data ?? null,
      ...(opts.metadata !== undefined ? { metadata: opts.metadata } : {}),
      // The trace continues on the backend: its spans join the caller's trace.
      ...(opts.traceparent ? { traceparent: opts.traceparent } : {}),
      ...(opts.baggage ? { baggage: opts.baggage } : {}),
    };
    return this.calls.start(frame, opts.timeoutMs ?? this.timeoutMs, () => this.connected && this.send(frame));
  }

  /** Fire and forget. Throws E_BRIDGE_OFFLINE when the link is down: nothing is queued for later. */
  callVoid(functionId: string, data: unknown): void {
    const frame: InvokeFunctionMsg = { type: 'invokefunction', function_id: functionId, data: data ?? null, action: { type: 'void' } };
    if (!this.connected || !this.send(frame))
      throw linkError('E_BRIDGE_OFFLINE', `the bridge is not connected; ${functionId} was not sent`);
  }

  /** Serve `id` on the backend with `handler`; registered now if connected and again on every reconnect. */
  registerFunction(id: string, handler: ExposedHandler, info: Omit<RegisterFunctionMsg, 'type' | 'id'> = {}): () => void {
    const msg: RegisterFunctionMsg = { type: 'registerfunction', id, ...info };
    this.functions.set(id, { msg, handler });
    if (this.connected) this.send(msg);
    return () => {
      if (this.functions.get(id)?.msg !== msg) return;
      this.functions.delete(id);
      if (this.connected) this.send({ type: 'unregisterfunction', id });
    };
  }

  /** Bind a trigger on the backend (e.g. `subscribe` to a topic); replayed on every reconnect. */
  registerTrigger(t: { trigger_type: string; function_id: string; config: unknown }): () => void {
    const msg: RegisterTriggerMsg = { type: 'registertrigger', id: randomUUID(), ...t };
    this.triggers.set(msg.id, msg);
    if (this.connected) this.send(msg);
    return () => {
      if (!this.triggers.delete(msg.id)) return;
      if (this.connected) this.send({ type: 'unregistertrigger', id: msg.id, trigger_type: msg.trigger_type });
    };
  }

  /** Stop for good: pending calls fail with E_BRIDGE_CLOSED, the socket closes (the backend drops our registrations). */
  async close(): Promise<void> {
    if (this.state === 'closed') return;
    this.setState('closed');
    clearTimeout(this.reconnectTimer);
    this.stopHeartbeat();
    this.calls.failAll((fn) => linkError('E_BRIDGE_CLOSED', `the bridge link closed before ${fn} answered`));
    const ws = this.ws;
    this.ws = undefined;
    if (!ws || ws.readyState === WebSocket.CLOSED) return;
    await new Promise<void>((resolve) => {
      ws.once('close', () => resolve());
      if (ws.readyState === WebSocket.CONNECTING) ws.terminate();
      else ws.close(1000, 'bridge closed');
    });
  }

  private connect(): void {
    this.setState('connecting');
    const headers = this.opts.secret ? { authorization: `Bearer ${this.opts.secret}` } : undefined;
    const ws = new WebSocket(this.opts.url, { handshakeTimeout: 10_000, ...(headers ? { headers } : {}) });
    this.ws = ws;
    ws.on('open', () => this.onOpen(ws));
    ws.on('message', (data: WebSocket.RawData) => this.onFrame(data));
    ws.on('pong', () => this.idle?.refresh());
    ws.on('error', (err) => this.opts.log.debug('bridge socket error', { url: this.opts.url, error: err.message }));
    ws.on('close', () => this.onClose(ws));
  }

  /** Open is not enough: the link is up once the backend has assigned a worker id (a refused socket never does). */
  private onOpen(ws: WebSocket): void {
    if (ws !== this.ws) return;
    this.attempt = 0;
    this.startHeartbeat(ws);
  }

  private onClose(ws: WebSocket): void {
    if (ws !== this.ws) return;
    this.ws = undefined;
    this.stopHeartbeat();
    this.calls.failSent((fn) =>
      linkError('E_BRIDGE_DISCONNECTED', `the bridge connection dropped before ${fn} answered (it may or may not have run)`),
    );
    if (this.state === 'closed') return;
    const wasUp = this.state === 'up';
    this.setState('down');
    if (wasUp) this.opts.log.warn('bridge link lost; reconnecting', { url: this.opts.url });
    const delay = Math.min(BACKOFF_MAX_MS, BACKOFF_MIN_MS * 2 ** this.attempt) * (0.75 + Math.random() / 2);
    this.attempt++;
    this.reconnectTimer = setTimeout(() => this.connect(), delay);
  }

  private onFrame(data: WebSocket.RawData): void {
    this.idle?.refresh();
    let m: Record<string, unknown>;
    try {
      m = JSON.parse(data.toString()) as Record<string, unknown>;
    } catch {
      this.opts.log.warn('bridge: the backend sent a frame that is not JSON');
      return;
    }
    if (m.type === 'invocationresult' && typeof m.invocation_id === 'string') {
      this.calls.settle(m.invocation_id, m.result, m.error as ErrorBody | undefined);
    } else if (m.type === 'invokefunction' && typeof m.function_id === 'string') {
      void this.serve(m);
    } else if (m.type === 'workerregistered' && typeof m.worker_id === 'string') {
      this.onRegistered(m.worker_id, typeof m.reattach_token === 'string' ? m.reattach_token : undefined);
    } else if (m.type === 'error') {
      this.onBackendError(m.error as ErrorBody | undefined);
    }
  }

  /** AUTH_ERROR before registration: a missing or wrong secret. Waiting calls fail now; we keep retrying. */
  private onBackendError(error: ErrorBody | undefined): void {
    this.opts.log.warn('bridge: the backend reported an error', { url: this.opts.url, error });
    if (this.state === 'up' || error?.code !== 'AUTH_ERROR') return;
    this.calls.failAll(
      (fn) =>
        new EngineError('AUTH_ERROR', `the backend refused the bridge (${error.message}); ${fn} was not sent`, {
          details: { origin: 'link' },
        }),
    );
  }

  private onRegistered(workerId: string, token: string | undefined): void {
    if (this.opts.isSelf?.(workerId)) {
      this.opts.log.error(
        `E_BRIDGE_SELF: ${this.opts.url} is this engine's own worker port; the bridge link stops (set the backend's address)`,
      );
      this.calls.failAll(() => linkError('E_BRIDGE_SELF', `${this.opts.url} is this engine itself`));
      void this.close();
      return;
    }
    // Order matters: reattach first (the backend retires our previous connection), then registrations.
    if (this.identity) this.send({ type: 'reattach', previous_worker_id: this.identity.workerId, reattach_token: this.identity.token });
    this.identity = { workerId, ...(token !== undefined ? { token } : {}) };
    for (const f of this.functions.values()) this.send(f.msg);
    for (const t of this.triggers.values()) this.send(t);
    this.send({
      type: 'invokefunction',
      function_id: 'engine::workers::register',
      data: { runtime: 'node', name: this.opts.workerName, description: 'Triad bridge link', os: hostname(), pid: process.pid },
      action: { type: 'void' },
    });
    for (const frame of this.calls.unpark()) this.send(frame);
    this.setState('up');
  }

  /** The backend calls a function we expose: run it, answer with its result or its error, code kept. */
  private async serve(m: Record<string, unknown>): Promise<void> {
    const functionId = m.function_id as string;
    const reply = await runExposed(this.functions.get(functionId)?.handler, functionId, m);
    if (typeof m.invocation_id !== 'string') return;
    this.send({ type: 'invocationresult', invocation_id: m.invocation_id, function_id: functionId, ...reply });
  }

  private send(msg: object): boolean {
    const ws = this.ws;
    if (!ws || ws.readyState !== WebSocket.OPEN) return false;
    ws.send(JSON.stringify(msg));
    return true;
  }

  private startHeartbeat(ws: WebSocket): void {
    this.stopHeartbeat();
    this.heartbeat = setInterval(() => ws.ping(), PING_MS);
    this.idle = setTimeout(() => {
      this.opts.log.warn(`bridge: nothing from the backend for ${IDLE_MS} ms; reconnecting`, { url: this.opts.url });
      ws.terminate();
    }, IDLE_MS);
  }

  private stopHeartbeat(): void {
    clearInterval(this.heartbeat);
    clearTimeout(this.idle);
    this.heartbeat = undefined;
    this.idle = undefined;
  }

  private setState(state: LinkState): void {
    if (this.state === state) return;
    this.state = state;
    for (const fn of this.listeners) fn(state);
  }
}
