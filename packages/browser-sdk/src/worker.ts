/**
 * `registerWorker(url, options)`: a browser tab as an iii worker (what it sends: protocol.md §1.5, §2). Registrations
 * are kept locally and replayed on every open; incoming calls run concurrently; the worker announces
 * itself with `engine::workers::register` so engine listings show it (the official SDK skips that).
 */
import { Calls } from './calls.ts';
import { ChannelReader, ChannelWriter } from './channels.ts';
import { Connection, DEFAULT_RECONNECTION } from './connection.ts';
import { toErrorBody } from './errors.ts';
import { uuidv4 } from './ids.ts';
import type { Incoming, InvokeFunctionMessage, RegisterFunctionMessage, RegisterTriggerMessage } from './protocol.ts';
import { hydrateRefs } from './refs.ts';
import type {
  Channel,
  FunctionRef,
  IIIConnectionState,
  InitOptions,
  ISdk,
  RegisterFunctionOptions,
  RegisterTriggerInput,
  RegisterTriggerTypeInput,
  RemoteFunctionHandler,
  StreamChannelRef,
  Trigger,
  TriggerHandler,
  TriggerRequest,
  TriggerTypeRef,
} from './types.ts';

export const SDK_VERSION = '0.22.1';

interface TypeEntry {
  input: RegisterTriggerTypeInput;
  handler: TriggerHandler<unknown>;
}

export class BrowserWorker implements ISdk {
  private readonly functions = new Map<string, { handler: RemoteFunctionHandler; options: RegisterFunctionOptions | undefined }>();
  private readonly triggers = new Map<string, RegisterTriggerMessage>();
  private readonly types = new Map<string, TypeEntry>();
  private readonly conn: Connection;
  private readonly calls: Calls;
  private workerId: string | undefined;
  private reattachToken: string | undefined;
  private down = false;

  constructor(
    private readonly address: string,
    private readonly options: InitOptions = {},
  ) {
    this.conn = new Connection(
      address,
      {
        reconnection: { ...DEFAULT_RECONNECTION, ...(options.reconnectionConfig ?? {}) },
        keepaliveIntervalMs: options.keepaliveIntervalMs ?? 20_000,
        idleTimeoutMs: options.idleTimeoutMs ?? 60_000,
      },
      { onOpen: () => this.replay(), onFrame: (f) => this.onFrame(f) },
    );
    this.calls = new Calls((f) => this.conn.send(f), options.invocationTimeoutMs ?? 30_000);
    this.conn.start();
  }

  readonly registerFunction = (functionId: string, handler: RemoteFunctionHandler, options?: RegisterFunctionOptions): FunctionRef => {
    if (typeof functionId !== 'string' || functionId.trim() === '') throw new Error('id is required');
    if (this.functions.has(functionId)) throw new Error(`function id already registered: ${functionId}`);
    this.functions.set(functionId, { handler, options });
    this.conn.send(functionFrame(functionId, options));
    return {
      id: functionId,
      unregister: () => {
        if (this.functions.get(functionId)?.handler !== handler) return;
        this.functions.delete(functionId);
        this.conn.send({ type: 'unregisterfunction', id: functionId });
      },
    };
  };

  readonly registerTrigger = (trigger: RegisterTriggerInput): Trigger => {
    const { type, ...rest } = trigger;
    const frame: RegisterTriggerMessage = {
      ...rest,
      type: 'registertrigger',
      id: uuidv4(),
      trigger_type: type,
      message_type: 'registertrigger',
    };
    this.triggers.set(frame.id, frame);
    this.conn.send(frame);
    return {
      unregister: () => {
        this.triggers.delete(frame.id);
        this.calls.sendOrQueue({ type: 'unregistertrigger', id: frame.id, trigger_type: type, message_type: 'unregistertrigger' });
      },
    };
  };

  readonly registerTriggerType = <C>(triggerType: RegisterTriggerTypeInput, handler: TriggerHandler<C>): TriggerTypeRef<C> => {
    this.types.set(triggerType.id, { input: triggerType, handler: handler as TriggerHandler<unknown> });
    this.conn.send({ ...triggerType, type: 'registertriggertype' });
    return {
      id: triggerType.id,
      registerTrigger: (functionId, config) => this.registerTrigger({ type: triggerType.id, function_id: functionId, config }),
      registerFunction: (functionId, fn, config) => {
        const ref = this.registerFunction(functionId, fn);
        this.registerTrigger({ type: triggerType.id, function_id: functionId, config });
        return ref;
      },
      unregister: () => this.unregisterTriggerType(triggerType),
    };
  };

  readonly unregisterTriggerType = (triggerType: RegisterTriggerTypeInput): void => {
    this.types.delete(triggerType.id);
    this.conn.send({ ...triggerType, type: 'unregistertriggertype' });
  };

  // biome-ignore lint/suspicious/noExplicitAny: untyped results destructure, as in the official package
  readonly trigger = <TInput = unknown, TOutput = any>(request: TriggerRequest<TInput>): Promise<TOutput> =>
    this.calls.trigger<TOutput>(request as TriggerRequest<unknown>);

  readonly shutdown = async (): Promise<void> => {
    this.down = true;
    this.calls.close();
    this.conn.stop();
  };

  readonly addConnectionStateListener = (handler: (state: IIIConnectionState) => void): (() => void) => this.conn.addListener(handler);

  /** Used by `createChannel` from `./helpers` (not part of `ISdk`, as in the official package). */
  readonly __helpers_create_channel = async (bufferSize?: number): Promise<Channel<ChannelWriter, ChannelReader>> => {
    const refs = (await this.trigger({
      function_id: 'engine::channels::create',
      payload: bufferSize === undefined ? {} : { buffer_size: bufferSize },
    })) as { writer: StreamChannelRef; reader: StreamChannelRef };
    return {
      writer: new ChannelWriter(this.address, refs.writer),
      reader: new ChannelReader(this.address, refs.reader),
      writerRef: refs.writer,
      readerRef: refs.reader,
    };
  };

  /** On every open: reattach, types, functions, triggers, the offline queue, then the announcement. */
  private replay(): void {
    if (this.workerId) {
      this.conn.send({
        type: 'reattach',
        previous_worker_id: this.workerId,
        ...(this.reattachToken ? { reattach_token: this.reattachToken } : {}),
      });
    }
    for (const t of this.types.values()) this.conn.send({ ...t.input, type: 'registertriggertype' });
    for (const [id, f] of this.functions) this.conn.send(functionFrame(id, f.options));
    for (const t of this.triggers.values()) this.conn.send(t);
    this.calls.flush();
    this.conn.send({
      type: 'invokefunction',
      function_id: 'engine::workers::register',
      data: describeWorker(this.options.workerName),
      action: { type: 'void' },
    });
  }

  private onFrame(frame: Incoming): void {
    switch (frame.type) {
      case 'workerregistered':
        this.workerId = frame.worker_id;
        this.reattachToken = frame.reattach_token;
        return;
      case 'invocationresult':
        this.calls.settle(frame);
        return;
      case 'invokefunction':
        void this.run(frame);
        return;
      case 'registertrigger':
        void this.deliverTrigger(frame);
        return;
      case 'unregistertrigger': {
        const t = frame.trigger_type ? this.types.get(frame.trigger_type) : undefined;
        t?.handler.unregisterTrigger({ id: frame.id, function_id: '', config: undefined }).catch((err: unknown) => {
          console.error(`[iii] unregisterTrigger failed for "${frame.id}"`, err);
        });
        return;
      }
      case 'error':
        // AUTH_ERROR before a close: the engine refused this socket (wrong token); the retry loop goes on.
        console.error(`[iii] engine refused the connection: ${frame.error?.code ?? 'error'}: ${frame.error?.message ?? ''}`);
        return;
      default:
        return;
    }
  }

  /** An engine call of one of our functions; replies only when the call has an id. */
  private async run(msg: InvokeFunctionMessage): Promise<void> {
    const fn = this.functions.get(msg.function_id);
    const reply = (body: { result?: unknown; error?: unknown }) => {
      if (!msg.invocation_id || this.down) return;
      this.calls.sendOrQueue({
        type: 'invocationresult',
        invocation_id: msg.invocation_id,
        function_id: msg.function_id,
        ...body,
        ...(msg.traceparent ? { traceparent: msg.traceparent } : {}),
        ...(msg.baggage ? { baggage: msg.baggage } : {}),
      });
    };
    if (!fn) return reply({ error: { code: 'function_not_found', message: 'Function not found' } });
    try {
      reply({ result: await fn.handler(hydrateRefs(msg.data, this.address)) });
    } catch (err) {
      if (!msg.invocation_id) console.error(`[iii] ${msg.function_id} failed`, err);
      reply({ error: toErrorBody(err) });
    }
  }

  /** The engine binds a trigger of a type this worker serves (protocol.md §2.8 E→W). */
  private async deliverTrigger(t: { id: string; trigger_type: string; function_id: string; config?: unknown }): Promise<void> {
    const base = { type: 'triggerregistrationresult', id: t.id, trigger_type: t.trigger_type, function_id: t.function_id };
    const entry = this.types.get(t.trigger_type);
    if (!entry) {
      this.calls.sendOrQueue({ ...base, error: { code: 'trigger_type_not_found', message: 'Trigger type not found' } });
      return;
    }
    try {
      await entry.handler.registerTrigger({ id: t.id, function_id: t.function_id, config: t.config });
      this.calls.sendOrQueue(base);
    } catch (err) {
      this.calls.sendOrQueue({
        ...base,
        error: { code: 'trigger_registration_failed', message: err instanceof Error ? err.message : String(err) },
      });
    }
  }
}

function functionFrame(id: string, options: RegisterFunctionOptions | undefined): RegisterFunctionMessage {
  return { ...(options ?? {}), type: 'registerfunction', id };
}

/** What `engine::workers::list` shows for a tab (protocol.md §5.1.1). */
function describeWorker(name: string | undefined): Record<string, unknown> {
  const nav = (globalThis as { navigator?: { userAgent?: string; language?: string } }).navigator;
  return {
    runtime: 'browser',
    version: SDK_VERSION,
    name: name ?? 'browser',
    os: nav?.userAgent ?? null,
    pid: null,
    isolation: null,
    telemetry: { language: nav?.language ?? null, framework: 'iii-browser' },
  };
}
