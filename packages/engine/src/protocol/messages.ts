/**
 * Engine ⇄ worker wire messages, exactly as they travel (protocol.md §2). One JSON object per text
 * frame, discriminated by `type`. Optional fields are omitted (never `null`) when the engine sends.
 */
import type { ErrorBody } from './errors.ts';

export const PROTOCOL_VERSION = '0.22.1';

export type InvokeAction = { type: 'void' } | { type: 'enqueue'; queue: string };

export interface RegisterFunctionMsg {
  type: 'registerfunction';
  id: string;
  description?: string;
  request_format?: Record<string, unknown>;
  response_format?: Record<string, unknown>;
  metadata?: Record<string, unknown>;
  invocation?: HttpInvocation;
}

export interface HttpInvocation {
  url: string;
  method: 'GET' | 'POST' | 'PUT' | 'PATCH' | 'DELETE';
  timeout_ms?: number;
  headers?: Record<string, string>;
  auth?:
    | { type: 'hmac'; secret_key: string }
    | { type: 'bearer'; token_key: string }
    | { type: 'api_key'; header: string; value_key: string };
}

export interface UnregisterFunctionMsg {
  type: 'unregisterfunction';
  id: string;
}

export interface InvokeFunctionMsg {
  type: 'invokefunction';
  invocation_id?: string;
  function_id: string;
  data?: unknown;
  traceparent?: string;
  baggage?: string;
  action?: InvokeAction;
  metadata?: unknown;
}

export interface InvocationResultMsg {
  type: 'invocationresult';
  invocation_id: string;
  function_id?: string;
  result?: unknown;
  error?: ErrorBody;
  traceparent?: string;
  baggage?: string;
}

export interface RegisterTriggerTypeMsg {
  type: 'registertriggertype';
  id: string;
  description?: string;
  trigger_request_format?: Record<string, unknown>;
  call_request_format?: Record<string, unknown>;
}

export interface UnregisterTriggerTypeMsg {
  type: 'unregistertriggertype';
  id: string;
}

export interface RegisterTriggerMsg {
  type: 'registertrigger';
  id: string;
  trigger_type: string;
  function_id: string;
  config?: unknown;
  metadata?: unknown;
}

export interface UnregisterTriggerMsg {
  type: 'unregistertrigger';
  id: string;
  trigger_type?: string;
}

export interface TriggerRegistrationResultMsg {
  type: 'triggerregistrationresult';
  id: string;
  trigger_type: string;
  function_id: string;
  error?: ErrorBody;
}

export interface WorkerRegisteredMsg {
  type: 'workerregistered';
  worker_id: string;
  reattach_token?: string;
}

export interface ReattachMsg {
  type: 'reattach';
  previous_worker_id: string;
  reattach_token?: string;
}

export interface ErrorMsg {
  type: 'error';
  error: ErrorBody;
}

export interface RegisterServiceMsg {
  type: 'registerservice';
  id: string;
  name?: string;
  description?: string;
  parent_service_id?: string;
}

export interface PingMsg {
  type: 'ping';
}
export interface PongMsg {
  type: 'pong';
}

/** Everything a worker may send. */
export type WorkerToEngine =
  | RegisterFunctionMsg
  | UnregisterFunctionMsg
  | InvokeFunctionMsg
  | InvocationResultMsg
  | RegisterTriggerTypeMsg
  | UnregisterTriggerTypeMsg
  | RegisterTriggerMsg
  | UnregisterTriggerMsg
  | TriggerRegistrationResultMsg
  | ReattachMsg
  | RegisterServiceMsg
  | PingMsg
  | PongMsg
  | { type: 'workerregistered' };

/** Everything the engine may send. */
export type EngineToWorker =
  | WorkerRegisteredMsg
  | InvokeFunctionMsg
  | InvocationResultMsg
  | RegisterTriggerMsg
  | UnregisterTriggerMsg
  | TriggerRegistrationResultMsg
  | ErrorMsg
  | PongMsg;

/** A channel end as it travels inside a message (`{ channel_id, access_key, direction }`, protocol.md §6.1). */
export interface ChannelRef {
  channel_id: string;
  access_key: string;
  direction: 'read' | 'write';
}

/** One frame of a channel socket (protocol.md §6.2): a text frame or a binary one. */
export type ChannelItem = { kind: 'text'; data: string } | { kind: 'binary'; data: Buffer };
