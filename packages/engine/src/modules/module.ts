/**
 * The module contract. The core knows only this file; every built-in worker (http, state, queue, ...)
 * is an `EngineModule` registered exactly as a third-party one would be (`engine.use(module)`).
 *
 * Lifecycle (per config entry, in config.yaml order; stopped in reverse order):
 *   validate config against `configSchema` → `create(ctx, config)` → `instance.start()` … `instance.stop()`.
 * A module may be listed several times (e.g. several `iii-worker-manager` listeners): one instance each.
 */
import type { JsonSchema, Schema } from '../core/config/schema.ts';
import type { WorkerHost } from '../core/worker-host.ts';
import type { ChannelItem, ChannelRef } from '../protocol/messages.ts';
import type { Logger } from '../util/logger.ts';

export type Disposer = () => void;

export interface EngineModule<C = unknown> {
  /** Canonical `config.yaml` name, e.g. `http`, `state`, `iii-stream`. */
  readonly name: string;
  /** Older names accepted in config.yaml, e.g. `iii-http`. */
  readonly aliases?: readonly string[];
  /** Human name used in `config/<name>.yaml` (`HTTP`, `State`, ...). */
  readonly displayName?: string;
  readonly description?: string;
  /** Started even when config.yaml does not list it (worker-manager, engine functions, observability...). */
  readonly mandatory?: boolean;
  /**
   * Started after every other module at boot (still in config order among themselves): set by modules that
   * let workers in (`iii-worker-manager`), so no worker can call before the built-in functions exist.
   */
  readonly startsLast?: boolean;
  /** Names of modules that must also be configured; checked at boot with `E_MODULE_DEPENDENCY`. */
  readonly dependsOn?: readonly string[];
  /** Validates the entry's `config:` block and supplies every default. */
  readonly configSchema: Schema<C>;
  create(ctx: ModuleContext, config: Readonly<C>): ModuleInstance | Promise<ModuleInstance>;
}

export interface ModuleInstance {
  /** Start background work (listeners, consumers). Functions may be registered in `create` or here. */
  start?(): Promise<void> | void;
  /** Stop background work; must be idempotent. Functions/trigger types registered through ctx are removed by the core. */
  stop?(): Promise<void> | void;
  /** Apply a changed config without a restart. Absent → the core stops and re-creates the instance. */
  reconfigure?(config: unknown): Promise<void> | void;
}

export interface ModuleContext {
  /** `http`, or `iii-worker-manager#1` for the second listener. */
  readonly instanceName: string;
  readonly engine: EngineApi;
  readonly log: Logger;
  /** Directory relative paths resolve against (the folder holding config.yaml). */
  readonly projectDir: string;
  /** `<projectDir>/data`, created on demand by modules that need it. */
  readonly dataDir: string;
  /**
   * Tell the engine where a listener ended up (ports may be 0 in tests), e.g.
   * `ctx.publishAddress('http', 'http://127.0.0.1:54321')`. Labels: `worker`, `http`, `stream`, `console`, ...
   * The first listener of a label wins; tests read them from `RunningEngine.addresses`.
   */
  publishAddress(label: string, url: string): void;
  /** The kernel side of worker sockets, for a module that accepts them (`iii-worker-manager`). */
  readonly workerHost: WorkerHost;
}

// ---------------------------------------------------------------------------------------------
// What a module can do with the engine
// ---------------------------------------------------------------------------------------------

export interface EngineApi {
  readonly version: string;
  /** Register an in-process function. Last writer wins (a worker may later take the id over). */
  registerFunction(def: LocalFunction): Disposer;
  /** Register a trigger type served in-process; parked triggers of that type are activated. */
  registerTriggerType(def: TriggerTypeDef): Disposer;
  /**
   * The engine's internal call path (trigger fires, hooks, conditions): a fresh invocation id,
   * no `_caller_worker_id`. Resolves with the result (`undefined` = no result); rejects with an
   * `EngineError` whose `code` is the wire code (`function_not_found`, `invocation_failed`, ...).
   */
  invoke(functionId: string, data: unknown, opts?: InvokeOptions): Promise<unknown>;
  /** Fire and forget (errors are logged at debug level, never thrown). */
  invokeVoid(functionId: string, data: unknown, opts?: InvokeOptions): void;
  hasFunction(id: string): boolean;
  /** Function metadata for an id (RBAC filters, listings). */
  getFunction(id: string): FunctionInfo | undefined;
  readonly channels: ChannelApi;
  readonly services: ServiceRegistry;
  /** Engine-wide events. */
  on<E extends keyof EngineEvents>(event: E, listener: (payload: EngineEvents[E]) => void): Disposer;
}

export interface InvokeOptions {
  /** Delivered to the target as its second handler argument (trigger metadata). */
  metadata?: unknown;
  traceparent?: string;
  baggage?: string;
  /** Give up waiting after this many ms (rejects with `E_INVOKE_TIMEOUT`); default: wait forever. */
  timeoutMs?: number;
}

export interface CallInfo {
  functionId: string;
  /** Set for calls made by a connected worker (sync and Void). */
  callerWorkerId?: string;
  metadata?: unknown;
  traceparent?: string;
  baggage?: string;
}

export interface LocalFunction {
  id: string;
  description?: string;
  request_format?: JsonSchema;
  response_format?: JsonSchema;
  metadata?: Record<string, unknown>;
  /**
   * Return the result (`undefined` → no result on the wire). Throw an `EngineError` for a coded
   * error; anything else thrown becomes `E_INTERNAL`.
   */
  handler(input: unknown, call: CallInfo): unknown;
}

export interface FunctionInfo {
  id: string;
  description?: string;
  request_format?: JsonSchema;
  response_format?: JsonSchema;
  metadata?: Record<string, unknown>;
  /** Worker name that owns the function (`state`, `link`, ...). */
  workerName: string;
  /** Connection id when a worker owns it; undefined for in-process functions. */
  workerId?: string;
}

/** A trigger as the registry stores it (`registertrigger` fields). */
export interface TriggerInstance {
  id: string;
  trigger_type: string;
  function_id: string;
  config: unknown;
  metadata?: unknown;
  /** Connection that registered it; undefined for `engine::register_trigger` triggers. */
  workerId?: string;
}

export interface TriggerTypeDef {
  id: string;
  description?: string;
  configuration_schema?: JsonSchema;
  request_schema?: JsonSchema;
  response_schema?: JsonSchema;
  /** Validate and activate. Throwing rejects the trigger with `trigger_registration_failed` and the error message. */
  register(trigger: TriggerInstance): void | Promise<void>;
  unregister(trigger: TriggerInstance): void | Promise<void>;
}

// ---------------------------------------------------------------------------------------------
// Channels (protocol.md §6): the engine itself can hold one end (HTTP request/response bodies).
// ---------------------------------------------------------------------------------------------

export type { ChannelItem, ChannelRef };

export interface ChannelApi {
  create(bufferSize?: number): EngineChannel;
}

export interface EngineChannel {
  readonly id: string;
  readonly readerRef: ChannelRef;
  readonly writerRef: ChannelRef;
  /** Engine acting as the writer: resolves once the item is buffered (waits while the buffer is full). */
  write(item: ChannelItem): Promise<void>;
  /** Engine acting as the writer: end of stream. */
  end(): void;
  /** Engine acting as the reader: items in order until the writer ends. */
  read(): AsyncIterable<ChannelItem>;
  /** Engine as the reader-to-be: `fn` runs once, at the first item or the writer's end (never after `destroy`). */
  onActivity(fn: () => void): void;
  /** Drop the channel (both sides closed, map entry removed). */
  destroy(): void;
}

// ---------------------------------------------------------------------------------------------
// Services: how modules find each other without importing each other.
// ---------------------------------------------------------------------------------------------

export interface ServiceRegistry {
  provide<K extends keyof Services>(name: K, impl: Services[K]): Disposer;
  get<K extends keyof Services>(name: K): Services[K] | undefined;
}

/** Known services. Modules extend this interface by declaration merging. */
// biome-ignore lint/suspicious/noEmptyInterface: extended by declaration merging in modules
export interface Services {}

export interface EngineEvents {
  'worker:connected': { workerId: string };
  'worker:disconnected': { workerId: string };
  'worker:updated': { workerId: string };
  'functions:changed': undefined;
}
