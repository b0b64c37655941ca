/**
 * What the console needs from an engine, whichever way it is connected: call a function, and bind a
 * trigger to a handler of its own (live views: stream changes, the log tail). The `console` module
 * implements it in-process (module.ts), the standalone `iii console` over the iii-sdk (index.ts).
 * Both go through engine functions and trigger registrations only, never engine internals.
 */

export interface CallOptions {
  /** W3C traceparent: the callee's spans join this trace (the Functions page links to it). */
  traceparent?: string;
}

/** Undo a subscription: unregister the trigger, then the handler function. */
export type Unsubscribe = () => Promise<void>;

export interface EngineLink {
  call(functionId: string, payload: unknown, opts?: CallOptions): Promise<unknown>;
  /** Register a trigger of `triggerType` with `config`, delivering each payload to `handler`. */
  subscribe(triggerType: string, config: Record<string, unknown>, handler: (payload: unknown) => void): Promise<Unsubscribe>;
  /** The console's own log line (the engine log in-process; stderr standalone). */
  info(message: string, fields: Record<string, unknown>): void;
  /** Whether `call` can carry a traceparent the callee continues (in-process only). */
  readonly traces: boolean;
}
