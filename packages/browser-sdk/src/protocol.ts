/** The wire frames this SDK sends and reads (protocol.md §2). One JSON object per text frame. */
import type { RegisterFunctionOptions, TriggerActionValue } from './types.ts';

/** Every `type` of the protocol (exported from the package as a type only, as the official one does). */
export enum MessageType {
  RegisterFunction = 'registerfunction',
  UnregisterFunction = 'unregisterfunction',
  InvokeFunction = 'invokefunction',
  InvocationResult = 'invocationresult',
  RegisterTriggerType = 'registertriggertype',
  UnregisterTriggerType = 'unregistertriggertype',
  RegisterTrigger = 'registertrigger',
  UnregisterTrigger = 'unregistertrigger',
  TriggerRegistrationResult = 'triggerregistrationresult',
  WorkerRegistered = 'workerregistered',
}

export interface ErrorBody {
  code: string;
  message: string;
  stacktrace?: string;
}

export interface RegisterFunctionMessage extends RegisterFunctionOptions {
  type: 'registerfunction';
  id: string;
}

export interface RegisterTriggerMessage {
  type: 'registertrigger';
  id: string;
  trigger_type: string;
  function_id: string;
  config: unknown;
  message_type?: string;
}

export interface RegisterTriggerTypeMessage {
  type: 'registertriggertype';
  id: string;
  description: string;
}

export interface InvokeFunctionMessage {
  type: 'invokefunction';
  invocation_id?: string;
  function_id: string;
  data?: unknown;
  action?: TriggerActionValue;
  traceparent?: string;
  baggage?: string;
}

export interface InvocationResultMessage {
  type: 'invocationresult';
  invocation_id: string;
  function_id?: string;
  result?: unknown;
  error?: ErrorBody;
  traceparent?: string;
  baggage?: string;
}

export interface UnregisterTriggerMessage {
  type: 'unregistertrigger';
  id: string;
  trigger_type?: string;
  message_type?: string;
}

export interface TriggerRegistrationResultMessage {
  type: 'triggerregistrationresult';
  id: string;
  trigger_type: string;
  function_id: string;
  error?: ErrorBody;
  message_type?: string;
}

/** Frames the engine sends that this SDK acts on. */
export type Incoming =
  | { type: 'workerregistered'; worker_id: string; reattach_token?: string }
  | InvokeFunctionMessage
  | InvocationResultMessage
  | { type: 'registertrigger'; id: string; trigger_type: string; function_id: string; config?: unknown }
  | UnregisterTriggerMessage
  | { type: 'error'; error?: ErrorBody }
  | { type: 'pong' };

/** Parse one text frame; anything that is not a JSON object with a string `type` is dropped (null). */
export function parseFrame(data: unknown): Incoming | null {
  if (typeof data !== 'string') return null;
  try {
    const v = JSON.parse(data) as unknown;
    if (typeof v === 'object' && v !== null && typeof (v as { type?: unknown }).type === 'string') return v as Incoming;
  } catch {
    // not JSON: dropped, as the official SDK does
  }
  return null;
}
