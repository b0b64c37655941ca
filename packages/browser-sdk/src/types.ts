/**
 * The public types of iii-browser-sdk, shaped as in the official 0.22.1 package so that code written
 * against it compiles unchanged. Wire frames are in protocol.ts.
 */

export type IIIConnectionState = 'disconnected' | 'connecting' | 'connected' | 'reconnecting' | 'failed';

export interface IIIReconnectionConfig {
  initialDelayMs: number;
  maxDelayMs: number;
  backoffMultiplier: number;
  jitterFactor: number;
  /** -1 = retry forever */
  maxRetries: number;
}

export interface InitOptions {
  /** Default timeout of sync and enqueue calls. @default 30000 */
  invocationTimeoutMs?: number;
  reconnectionConfig?: Partial<IIIReconnectionConfig>;
  /** Accepted for compatibility and ignored: a browser WebSocket cannot send custom headers. */
  headers?: Record<string, string>;
  /** Triad extension: the name `engine::workers::list` shows for this tab. @default 'browser' */
  workerName?: string;
  /** Triad extension: a JSON `ping` every this many ms while connected; 0 turns the keepalive off. @default 20000 */
  keepaliveIntervalMs?: number;
  /** Triad extension: no frame at all for this long means the socket is dead; it is dropped and redialled. @default 60000 */
  idleTimeoutMs?: number;
}

export type TriggerActionValue = { type: 'void' } | { type: 'enqueue'; queue: string };

export interface TriggerRequest<TInput = unknown> {
  function_id: string;
  payload: TInput;
  action?: TriggerActionValue;
  timeoutMs?: number;
}

export interface EnqueueResult {
  messageReceiptId: string;
}

// biome-ignore lint/suspicious/noExplicitAny: the official signature: handlers take and return anything
export type RemoteFunctionHandler<TInput = any, TOutput = any> = (data: TInput) => Promise<TOutput>;

export type RegisterFunctionFormat = Record<string, unknown>;

export interface RegisterFunctionOptions {
  description?: string;
  request_format?: RegisterFunctionFormat;
  response_format?: RegisterFunctionFormat;
  metadata?: Record<string, unknown>;
}

export interface RegisterFunctionInput extends RegisterFunctionOptions {
  id: string;
}

export interface RegisterTriggerInput {
  type: string;
  function_id: string;
  config: unknown;
}

export interface RegisterTriggerTypeInput {
  id: string;
  description: string;
}

export interface FunctionRef {
  id: string;
  unregister(): void;
}

export interface Trigger {
  unregister(): void;
}

export interface TriggerConfig<C> {
  id: string;
  function_id: string;
  config: C;
}

export interface TriggerHandler<C> {
  registerTrigger(config: TriggerConfig<C>): Promise<void>;
  unregisterTrigger(config: TriggerConfig<C>): Promise<void>;
}

export interface TriggerTypeRef<C> {
  id: string;
  registerTrigger(functionId: string, config: C): Trigger;
  registerFunction(functionId: string, handler: RemoteFunctionHandler, config: C): FunctionRef;
  unregister(): void;
}

export interface StreamChannelRef {
  channel_id: string;
  access_key: string;
  direction: 'read' | 'write';
}

/** Both ends of a new channel: live objects for this tab, refs to hand to another worker. */
export interface Channel<W = unknown, R = unknown> {
  writer: W;
  reader: R;
  writerRef: StreamChannelRef;
  readerRef: StreamChannelRef;
}

/** The worker `registerWorker` returns. */
export interface ISdk {
  registerFunction(functionId: string, handler: RemoteFunctionHandler, options?: RegisterFunctionOptions): FunctionRef;
  registerTrigger(trigger: RegisterTriggerInput): Trigger;
  registerTriggerType<C>(triggerType: RegisterTriggerTypeInput, handler: TriggerHandler<C>): TriggerTypeRef<C>;
  unregisterTriggerType(triggerType: RegisterTriggerTypeInput): void;
  // biome-ignore lint/suspicious/noExplicitAny: untyped results destructure, as in the official package
  trigger<TInput = unknown, TOutput = any>(request: TriggerRequest<TInput>): Promise<TOutput>;
  shutdown(): Promise<void>;
  addConnectionStateListener(handler: (state: IIIConnectionState) => void): () => void;
}

/** What an RBAC listener's auth function receives (protocol.md §9.3). */
export interface AuthInput {
  headers: Record<string, string>;
  query_params: Record<string, string[]>;
  ip_address: string;
}

/** What an RBAC listener's auth function returns (protocol.md §9.3). */
export interface AuthResult {
  allowed_functions?: string[];
  forbidden_functions?: string[];
  allowed_trigger_types?: string[] | null;
  allow_trigger_type_registration?: boolean;
  allow_function_registration?: boolean;
  context?: Record<string, unknown>;
  function_registration_prefix?: string;
}

export interface MiddlewareFunctionInput {
  function_id: string;
  payload: Record<string, unknown>;
  action?: TriggerActionValue | null;
  context: Record<string, unknown>;
}

export interface OnFunctionRegistrationInput {
  function_id: string;
  description?: string | null;
  metadata?: Record<string, unknown> | null;
  context: Record<string, unknown>;
}
export interface OnFunctionRegistrationResult {
  function_id?: string;
  description?: string;
  metadata?: Record<string, unknown>;
}
export interface OnTriggerRegistrationInput {
  trigger_id: string;
  trigger_type: string;
  function_id: string;
  config: unknown;
  metadata?: unknown;
  context: Record<string, unknown>;
}
export interface OnTriggerRegistrationResult {
  trigger_id?: string;
  trigger_type?: string;
  function_id?: string;
  config?: unknown;
}
export interface OnTriggerTypeRegistrationInput {
  trigger_type_id: string;
  description?: string | null;
  context: Record<string, unknown>;
}
export interface OnTriggerTypeRegistrationResult {
  trigger_type_id?: string;
  description?: string;
}

/** The request an `http` trigger hands its function. */
export interface ApiRequest<TBody = unknown> {
  path?: string;
  method?: string;
  path_params: Record<string, string>;
  query_params: Record<string, string | string[]>;
  headers: Record<string, string | string[]>;
  body: TBody;
}

/** What a function behind an `http` trigger returns. */
export interface ApiResponse<TStatus extends number = number, TBody = unknown> {
  status_code: TStatus;
  headers?: Record<string, string> | string[];
  body?: TBody;
}
