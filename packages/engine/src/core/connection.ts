/**
 * One connected worker, seen from the core: what it owns and how each of its messages is handled.
 * The transport guarantees that `handle` is called strictly in frame order and never concurrently with
 * itself (a returned promise holds the socket's next frames back: registrations, reattach, hooks).
 */
import { randomUUID } from 'node:crypto';
import type {
  EngineToWorker,
  RegisterFunctionMsg,
  RegisterTriggerMsg,
  RegisterTriggerTypeMsg,
  TriggerRegistrationResultMsg,
  WorkerToEngine,
} from '../protocol/messages.ts';
import type { EngineCore } from './engine-core.ts';
import { EngineError, type ErrorBody } from './errors/index.ts';
import { hookTrigger, runHook, str } from './registration-hooks.ts';
import { logTriggerRegistered } from './registration-log.ts';
import type { Session } from './session.ts';
import { OwnerUnreachable } from './triggers.ts';
import type { ConnectionLimits, PeerSocket, WorkerHost, WorkerSocketPeer } from './worker-host.ts';
import type { WorkerInfo, WorkerPeer } from './workers.ts';

export class WorkerConnection implements WorkerPeer, WorkerSocketPeer {
  readonly id = randomUUID();
  readonly reattachToken = randomUUID();
  readonly info: WorkerInfo;
  readonly ownedFunctions = new Set<string>();
  private triggerCount = 0;
  private cleanup: Promise<void> | undefined;
  private readonly ackWaiters = new Map<string, (err?: ErrorBody) => void>();

  constructor(
    private readonly core: EngineCore,
    private readonly socket: PeerSocket,
    readonly session: Session,
    meta: { ipAddress: string | null; listener: string },
    private readonly limits: ConnectionLimits,
  ) {
    this.info = {
      id: this.id,
      name: null,
      description: null,
      version: null,
      runtime: 'unknown',
      os: null,
      pid: null,
      isolation: null,
      telemetry: null,
      connectedAtMs: Date.now(),
      ipAddress: meta.ipAddress,
      listener: meta.listener,
    };
  }

  get closed(): boolean {
    return this.cleanup !== undefined;
  }

  /** Can take a new call: not cleaned up, and the socket is not closing. */
  get live(): boolean {
    return this.cleanup === undefined && (this.socket.isOpen?.() ?? true);
  }

  send(msg: EngineToWorker): boolean {
    if (this.cleanup) return false;
    return this.socket.sendText(JSON.stringify(msg));
  }

  /** Sends `workerregistered` first, then makes the worker known. */
  open(): void {
    this.send({ type: 'workerregistered', worker_id: this.id, reattach_token: this.reattachToken });
    this.core.attach(this);
  }

  handle(msg: WorkerToEngine): void | Promise<void> {
    switch (msg.type) {
      case 'invokefunction': {
        const verdict = this.session.checkInvoke(msg.function_id);
        if (!verdict.allowed) {
          this.send({
            type: 'invocationresult',
            invocation_id: msg.invocation_id ?? randomUUID(),
            function_id: msg.function_id,
            error: { code: 'FORBIDDEN', message: verdict.message },
          });
          return;
        }
        const mw = this.session.middlewareFunctionId;
        if (mw && !msg.function_id.startsWith('engine::')) this.core.router.viaMiddleware(this, msg, mw, this.session.context);
        else this.core.router.fromWorker(this, msg);
        return;
      }
      case 'invocationresult':
        this.core.router.onResult(msg);
        return;
      case 'registerfunction':
        return this.registerFunction(msg);
      case 'unregisterfunction':
        this.core.removeFunction(this.prefixed(msg.id), this.id);
        this.ownedFunctions.delete(this.prefixed(msg.id));
        return;
      case 'registertriggertype':
        return this.registerTriggerType(msg);
      case 'unregistertriggertype':
        // The reference ignores this frame; we remove the type so its triggers are parked, not left dangling.
        this.core.triggers.removeType(msg.id, (t) => t.ownerWorkerId === this.id);
        return;
      case 'registertrigger':
        return this.registerTrigger(msg);
      case 'unregistertrigger':
        return this.core.triggers.unregister(msg.id).then(
          () => undefined,
          () => undefined,
        );
      case 'triggerregistrationresult':
        this.onTriggerResult(msg);
        return;
      case 'reattach':
        return this.core.reattach(this, msg.previous_worker_id, msg.reattach_token);
      case 'ping':
        this.send({ type: 'pong' });
        return;
      case 'registerservice':
      case 'pong':
      case 'workerregistered':
        return;
    }
  }

  /** An E→W `registertrigger` to this worker (owner of a custom trigger type). */
  deliverTrigger(t: { id: string; trigger_type: string; function_id: string; config: unknown; metadata?: unknown }): void {
    const sent = this.send({
      type: 'registertrigger',
      id: t.id,
      trigger_type: t.trigger_type,
      function_id: t.function_id,
      config: t.config,
      ...(t.metadata !== undefined ? { metadata: t.metadata } : {}),
    });
    if (!sent) throw new OwnerUnreachable(`worker ${this.id} is closing`);
  }

  /** Wait for this (type-owning) worker to accept or refuse trigger `id` (engine::register_trigger). */
  awaitTriggerAck(id: string, timeoutMs: number): Promise<ErrorBody | undefined> {
    return new Promise((resolve) => {
      const timer = setTimeout(() => {
        this.ackWaiters.delete(id);
        resolve(undefined);
      }, timeoutMs);
      timer.unref();
      this.ackWaiters.set(id, (err) => {
        clearTimeout(timer);
        this.ackWaiters.delete(id);
        resolve(err);
      });
    });
  }

  /** Disconnect cleanup (protocol.md §1.9), run once; later callers wait for the same completion. */
  close(): Promise<void> {
    if (!this.cleanup) {
      for (const w of this.ackWaiters.values()) w();
      this.cleanup = this.core.detach(this);
    }
    return this.cleanup;
  }

  closeSocket(code: number, reason: string): void {
    this.socket.close(code, reason);
  }

  private prefixed(id: string): string {
    const p = this.session.functionPrefix;
    return p ? `${p}::${id}` : id;
  }

  private registerFunction(msg: RegisterFunctionMsg): void | Promise<void> {
    if (!this.session.allowFunctionRegistration) return;
    const hook = this.session.hooks.onFunctionRegistration;
    if (!hook) return this.storeFunction(msg);
    const input = {
      function_id: msg.id,
      description: msg.description ?? null,
      metadata: msg.metadata ?? null,
      context: this.session.context,
    };
    return runHook(this.core, hook, input).then((r) => {
      if (!r) return;
      const metadata = typeof r.metadata === 'object' && r.metadata !== null ? (r.metadata as Record<string, unknown>) : msg.metadata;
      this.storeFunction({
        ...msg,
        id: str(r.function_id, msg.id),
        ...(typeof r.description === 'string' ? { description: r.description } : {}),
        ...(metadata ? { metadata } : {}),
      });
    });
  }

  private registerTriggerType(msg: RegisterTriggerTypeMsg): void | Promise<void> {
    if (!this.session.allowTriggerTypeRegistration) return;
    const hook = this.session.hooks.onTriggerTypeRegistration;
    if (!hook) return this.core.addWorkerTriggerType(this, msg);
    return runHook(this.core, hook, { trigger_type_id: msg.id, description: msg.description ?? null, context: this.session.context }).then(
      (r) => {
        if (!r) return;
        return this.core.addWorkerTriggerType(this, {
          ...msg,
          id: str(r.trigger_type_id, msg.id),
          ...(typeof r.description === 'string' ? { description: r.description } : {}),
        });
      },
    );
  }

  private storeFunction(msg: RegisterFunctionMsg): void {
    const id = this.prefixed(msg.id);
    if (!this.ownedFunctions.has(id) && this.ownedFunctions.size >= this.limits.maxFunctions) {
      this.sendError('E_PROTOCOL_RATE_LIMITED', `worker registered more than ${this.limits.maxFunctions} functions; '${msg.id}' ignored`);
      return;
    }
    this.ownedFunctions.add(id);
    this.core.registerWorkerFunction(this, { ...msg, id }, this.session.functionPrefix);
  }

  private async registerTrigger(original: RegisterTriggerMsg): Promise<void> {
    const allowed = this.session.allowedTriggerTypes;
    if (allowed && !allowed.has(original.trigger_type)) return;
    const hook = this.session.hooks.onTriggerRegistration;
    const msg = hook ? await hookTrigger(this.core, hook, original, this.session.context) : original;
    if (!msg || (allowed && !allowed.has(msg.trigger_type))) return;
    if (this.triggerCount >= this.limits.maxTriggers) {
      this.sendError('E_PROTOCOL_RATE_LIMITED', `worker registered more than ${this.limits.maxTriggers} triggers; '${msg.id}' ignored`);
      return;
    }
    this.triggerCount++;
    const t = {
      id: msg.id,
      trigger_type: msg.trigger_type,
      function_id: this.prefixed(msg.function_id),
      config: msg.config ?? null,
      metadata: msg.metadata,
      workerId: this.id,
    };
    try {
      const outcome = await this.core.triggers.register(t);
      logTriggerRegistered(this.core.log, t, outcome === 'pending');
    } catch (err) {
      const message = err instanceof EngineError ? err.message : String(err);
      this.core.log.warn('trigger refused', { id: t.id, trigger_type: t.trigger_type, function_id: t.function_id, reason: message });
      this.send({
        type: 'triggerregistrationresult',
        id: t.id,
        trigger_type: t.trigger_type,
        function_id: msg.function_id,
        error: { code: 'trigger_registration_failed', message },
      });
    }
  }

  private onTriggerResult(msg: TriggerRegistrationResultMsg): void {
    const waiter = this.ackWaiters.get(msg.id);
    if (waiter) {
      waiter(msg.error);
      return;
    }
    if (!msg.error) return;
    const t = this.core.triggers.live.get(msg.id);
    if (!t) return;
    const type = this.core.triggers.types.get(t.trigger_type);
    if (type?.ownerWorkerId !== this.id) return; // only the registrator may refuse (anti-spoofing)
    this.core.triggers.park(msg.id);
    const origin = t.workerId ? this.core.connections.get(t.workerId) : undefined;
    origin?.send({
      type: 'triggerregistrationresult',
      id: t.id,
      trigger_type: t.trigger_type,
      function_id: t.function_id,
      error: msg.error,
    });
  }

  sendError(code: string, message: string): void {
    this.send({ type: 'error', error: { code, message } });
  }
}

/** The `WorkerHost` modules get as `ctx.workerHost`: worker sockets become connections of this core. */
export function workerHostFor(core: EngineCore): WorkerHost {
  return {
    connect: (socket, session, meta, limits) => new WorkerConnection(core, socket, session, meta, limits),
    channel: (id, key) => core.channels.lookup(id, key),
    channelRecentlyClosed: (id, key) => core.channels.recentlyClosed(id, key),
    ingestTelemetry: (frame, source) => {
      try {
        core.services.get('telemetry')?.ingestFrameLater(frame, source);
      } catch (err) {
        core.log.debug('telemetry frame dropped', { error: String(err) });
      }
    },
  };
}
