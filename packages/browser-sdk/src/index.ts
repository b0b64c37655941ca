/**
 * iii-browser-sdk: a browser tab as an iii worker. The public surface of the official 0.22.1 package
 * (same exports, same names); see README.md for where this one does better.
 */
import type { InitOptions, ISdk } from './types.ts';
import { BrowserWorker } from './worker.ts';

export { ChannelReader, ChannelWriter } from './channels.ts';
export { EngineFunctions, EngineTriggers, TriggerAction } from './constants.ts';
export { InvocationError } from './errors.ts';
export type { MessageType, RegisterFunctionMessage, RegisterTriggerMessage, RegisterTriggerTypeMessage } from './protocol.ts';
export type {
  ApiRequest,
  ApiResponse,
  AuthInput,
  AuthResult,
  Channel,
  EnqueueResult,
  FunctionRef,
  IIIConnectionState,
  IIIReconnectionConfig,
  InitOptions,
  ISdk,
  MiddlewareFunctionInput,
  OnFunctionRegistrationInput,
  OnFunctionRegistrationResult,
  OnTriggerRegistrationInput,
  OnTriggerRegistrationResult,
  OnTriggerTypeRegistrationInput,
  OnTriggerTypeRegistrationResult,
  RegisterFunctionFormat,
  RegisterFunctionInput,
  RegisterFunctionOptions,
  RegisterTriggerInput,
  RegisterTriggerTypeInput,
  RemoteFunctionHandler,
  StreamChannelRef,
  Trigger,
  TriggerConfig,
  TriggerHandler,
  TriggerRequest,
  TriggerTypeRef,
} from './types.ts';

/** Connect a worker to `address` (used verbatim, e.g. `ws://localhost:3110?token=…`); returns at once. */
export function registerWorker(address: string, options?: InitOptions): ISdk {
  return new BrowserWorker(address, options);
}
