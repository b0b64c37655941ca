/**
 * The kernel's shared state: registries, the invocation table, the router, live connections, channels,
 * services and events. Modules reach it only through the `EngineApi` facade (`apiFor(owner)`).
 */
import { EventEmitter } from 'node:events';
import type {
  Disposer,
  EngineApi,
  EngineEvents,
  FunctionInfo,
  LocalFunction,
  ServiceRegistry,
  Services,
  TriggerInstance,
  TriggerTypeDef,
} from '../modules/module.ts';
import type { RegisterFunctionMsg, RegisterTriggerTypeMsg } from '../protocol/messages.ts';
import type { Logger } from '../util/logger.ts';
import { ChannelHub } from './channels.ts';
import type { EngineError } from './errors/index.ts';
import { type FunctionEntry, FunctionRegistry } from './functions.ts';
import { InvocationTable } from './invocations/table.ts';
import { logFunctionRegistered, logTriggerTypeRegistered } from './registration-log.ts';
import { Router } from './router.ts';
import { TriggerRegistry } from './triggers.ts';

import { ENGINE_VERSION } from './version.ts';
import type { WorkerPeer } from './workers.ts';

export { ENGINE_VERSION };

/** HTTP-invoked functions are served by the `iii-http-functions` module through this service. */
export interface HttpFunctionsService {
  /** Validate and build the in-process handler; throws an EngineError when refused. */
  register(msg: RegisterFunctionMsg): (input: unknown) => Promise<unknown>;
}

declare module '../modules/module.ts' {
  interface Services {
    'http-functions': HttpFunctionsService;
  }
}

export class EngineCore {
  readonly functions = new FunctionRegistry();
  readonly table = new InvocationTable();
  readonly connections = new Map<string, WorkerPeer>();
  readonly router: Router;
  readonly triggers: TriggerRegistry;
  readonly channels = new ChannelHub();
  readonly events = new EventEmitter();
  private readonly serviceMap = new Map<string, unknown>();
  readonly services: ServiceRegistry;

  constructor(readonly log: Logger) {
    this.events.setMaxListeners(0);
    this.router = new Router(this.functions, this.table, this.connections, log.child('router'), {
      tracer: () => this.services.get('tracer'),
      telemetry: () => this.services.get('telemetry'),
    });
    this.triggers = new TriggerRegistry(log.child('triggers'), (t, err) => this.tellRefused(t, err));
    const services = this.serviceMap;
    this.services = {
      provide: (name, impl) => {
        services.set(name, impl);
        return () => {
          if (services.get(name) === impl) services.delete(name);
        };
      },
      get: <K extends keyof Services>(name: K) => services.get(name) as Services[K] | undefined,
    };
    this.functions.onChange(() => this.emit('functions:changed', undefined));
  }

  emit<E extends keyof EngineEvents>(event: E, payload: EngineEvents[E]): void {
    this.events.emit(event, payload);
  }

  // ---- connections ----

  attach(conn: WorkerPeer): void {
    this.connections.set(conn.id, conn);
    this.emit('worker:connected', { workerId: conn.id });
  }

  async detach(conn: WorkerPeer): Promise<void> {
    for (const id of conn.ownedFunctions) this.removeFunction(id, conn.id);
    this.table.dropPeer(conn.id);
    await this.triggers.dropWorker(conn.id);
    this.connections.delete(conn.id);
    this.emit('worker:disconnected', { workerId: conn.id });
  }

  /** protocol.md §1.8: retire the previous socket of a reconnecting worker before reading on. */
  async reattach(conn: WorkerPeer, previousId: string, token: string | undefined): Promise<void> {
    const previous = this.connections.get(previousId);
    if (!previous || previous === conn) return;
    if (token === undefined || token !== previous.reattachToken) {
      this.log.warn('reattach refused: token missing or wrong', { worker_id: conn.id, previous_worker_id: previousId });
      return;
    }
    previous.closeSocket(1000, 'reattached');
    await previous.close();
  }

  // ---- functions ----

  registerWorkerFunction(conn: WorkerPeer, msg: RegisterFunctionMsg, prefix: string | undefined): void {
    const base = {
      id: msg.id,
      ...(msg.description !== undefined ? { description: msg.description } : {}),
      ...(msg.request_format ? { request_format: msg.request_format } : {}),
      ...(msg.response_format ? { response_format: msg.response_format } : {}),
      ...(msg.metadata ? { metadata: msg.metadata } : {}),
      registeredAt: Date.now(),
    };
    if (msg.invocation) {
      const svc = this.services.get('http-functions');
      if (!svc) {
        this.log.warn('HTTP-invoked function ignored: the iii-http-functions worker is not configured', { function_id: msg.id });
        return;
      }
      try {
        const handler = svc.register(msg);
        this.setFunction({ ...base, target: { kind: 'local', owner: 'iii-http-functions', workerId: conn.id, handler } });
        logFunctionRegistered(this.log, msg.id);
      } catch (err) {
        this.log.warn('HTTP-invoked function refused', { function_id: msg.id, error: (err as EngineError).message });
      }
      return;
    }
    this.setFunction({ ...base, target: { kind: 'remote', workerId: conn.id, ...(prefix ? { prefix } : {}) } });
    logFunctionRegistered(this.log, msg.id);
  }

  setFunction(entry: FunctionEntry): void {
    const previous = this.functions.set(entry);
    if (previous && ownerOf(previous) !== ownerOf(entry)) this.log.warn('function taken over by a new owner', { function_id: entry.id });
  }

  removeFunction(id: string, workerId: string): void {
    this.functions.removeIf(id, (e) => e.target.workerId === workerId);
  }

  // ---- trigger types served by workers ----

  addWorkerTriggerType(conn: WorkerPeer, msg: RegisterTriggerTypeMsg): Promise<void> {
    logTriggerTypeRegistered(this.log, msg.id);
    return this.triggers.addType(
      {
        id: msg.id,
        ...(msg.description !== undefined ? { description: msg.description } : {}),
        ...(msg.trigger_request_format ? { configuration_schema: msg.trigger_request_format } : {}),
        ...(msg.call_request_format ? { request_schema: msg.call_request_format } : {}),
        ownerWorkerId: conn.id,
        register: (t) => conn.deliverTrigger(t),
        unregister: (t) => {
          conn.send({ type: 'unregistertrigger', id: t.id, trigger_type: t.trigger_type });
        },
      },
      (id) => this.connections.has(id),
    );
  }

  private tellRefused(t: TriggerInstance, err: EngineError): void {
    const origin = t.workerId ? this.connections.get(t.workerId) : undefined;
    origin?.send({
      type: 'triggerregistrationresult',
      id: t.id,
      trigger_type: t.trigger_type,
      function_id: t.function_id,
      error: { code: err.code, message: err.message },
    });
  }

  // ---- the facade modules see ----

  functionInfo(id: string): FunctionInfo | undefined {
    const e = this.functions.get(id);
    if (!e) return undefined;
    const workerId = e.target.workerId;
    const conn = workerId ? this.connections.get(workerId) : undefined;
    const workerName = conn?.info.name ?? (e.target.kind === 'local' && !workerId ? e.target.owner : (id.split('::')[0] ?? id));
    return {
      id: e.id,
      workerName,
      ...(workerId ? { workerId } : {}),
      ...(e.description !== undefined ? { description: e.description } : {}),
      ...(e.request_format ? { request_format: e.request_format } : {}),
      ...(e.response_format ? { response_format: e.response_format } : {}),
      ...(e.metadata ? { metadata: e.metadata } : {}),
    };
  }

  /** An `EngineApi` whose registrations are attributed to `owner` and tracked in `disposers`. */
  apiFor(owner: string, disposers: Disposer[]): EngineApi {
    const track = (d: Disposer): Disposer => {
      disposers.push(d);
      return d;
    };
    return {
      version: ENGINE_VERSION,
      registerFunction: (def: LocalFunction) => {
        const entry: FunctionEntry = {
          id: def.id,
          ...(def.description !== undefined ? { description: def.description } : {}),
          ...(def.request_format ? { request_format: def.request_format } : {}),
          ...(def.response_format ? { response_format: def.response_format } : {}),
          ...(def.metadata ? { metadata: def.metadata } : {}),
          target: { kind: 'local', owner, handler: def.handler },
          registeredAt: Date.now(),
        };
        this.setFunction(entry);
        return track(() => this.functions.removeIf(def.id, (e) => e === entry));
      },
      registerTriggerType: (def: TriggerTypeDef) => {
        const entry = { ...def, ownerModule: owner, register: def.register.bind(def), unregister: def.unregister.bind(def) };
        void this.triggers.addType(entry, (id) => this.connections.has(id));
        return track(() => {
          this.triggers.removeType(def.id, (e) => e.ownerModule === owner);
        });
      },
      invoke: (fn, data, opts) => this.router.invoke(fn, data, opts),
      invokeVoid: (fn, data, opts) => {
        this.router
          .invoke(fn, data, opts)
          .catch((err: unknown) => this.log.debug('void invocation failed', { function_id: fn, error: String(err) }));
      },
      hasFunction: (id) => this.functions.has(id),
      getFunction: (id) => this.functionInfo(id),
      channels: this.channels,
      services: this.services,
      on: (event, listener) => {
        this.events.on(event, listener);
        return track(() => this.events.off(event, listener));
      },
    };
  }
}

function ownerOf(e: FunctionEntry): string {
  return e.target.workerId ?? (e.target.kind === 'local' ? `module:${e.target.owner}` : '');
}
