/**
 * Invocation routing (protocol.md §3): one global namespace, calls go to whoever owns the id.
 *
 * Two entry points: `fromWorker` for `invokefunction` frames (sync, Void, Enqueue) and `invoke` for the
 * engine's internal call path (trigger fires, hooks). Results of remote calls come back through
 * `onResult`. Invocation ids travel end to end: a worker's call X is forwarded to the target as X.
 */
import { randomUUID } from 'node:crypto';
import type { CallInfo, InvokeOptions } from '../modules/module.ts';
import type { InvocationResultMsg, InvokeFunctionMsg } from '../protocol/messages.ts';
import type { Logger } from '../util/logger.ts';
import { randomUuid } from './channel-ids.ts';
import { EngineError, type ErrorBody, toErrorBody } from './errors/index.ts';
import type { FunctionEntry, FunctionRegistry } from './functions.ts';
import type { Completion, InvocationTable } from './invocations/table.ts';
import type { SpanHandle, TelemetrySink, Tracer } from './telemetry.ts';

/** The parts of a worker connection the router needs. */
export interface RoutablePeer {
  readonly id: string;
  /** False once the connection is closing or closed: it gets no new calls. */
  readonly live?: boolean;
  /** False when the frame could not be queued (socket closing). */
  send(msg: InvokeFunctionMsg | InvocationResultMsg): boolean;
}

export const ENQUEUE_PROVIDER = 'engine::queue::enqueue';

export interface ObserverLookup {
  tracer(): Tracer | undefined;
  telemetry(): TelemetrySink | undefined;
}

const NO_OBSERVERS: ObserverLookup = { tracer: () => undefined, telemetry: () => undefined };

export class Router {
  constructor(
    private readonly functions: FunctionRegistry,
    private readonly table: InvocationTable,
    private readonly peers: ReadonlyMap<string, RoutablePeer>,
    private readonly log: Logger,
    /**
     * Observability hooks (core/telemetry.ts), looked up per call: the module providing them comes and goes.
     * Two lookups rather than one returning both: no object per call.
     */
    private readonly observe: ObserverLookup = NO_OBSERVERS,
  ) {}

  /** A worker's `invokefunction`. Never throws; every failure is answered on the wire (unless Void). */
  fromWorker(caller: RoutablePeer, msg: InvokeFunctionMsg): void {
    const action = msg.action;
    if (action?.type === 'enqueue') {
      this.enqueue(caller, msg, action.queue);
      return;
    }
    const data = withCaller(msg.data, caller.id);
    const call: CallInfo = {
      functionId: msg.function_id,
      callerWorkerId: caller.id,
      metadata: msg.metadata,
      traceparent: msg.traceparent,
      baggage: msg.baggage,
    };
    const isVoid = action?.type === 'void' || msg.invocation_id === undefined;
    const reply = isVoid ? undefined : (c: Completion) => caller.send(resultFrame(msg.invocation_id as string, msg.function_id, c));
    const id = isVoid ? randomUUID() : (msg.invocation_id as string);
    this.dispatch(id, data, call, isVoid ? undefined : caller.id, reply ?? noop);
  }

  /**
   * RBAC listener middleware (protocol.md §9.5): the middleware runs instead of the target and its answer
   * goes back to the caller whatever the action; the middleware calls the target itself if it approves.
   */
  viaMiddleware(caller: RoutablePeer, msg: InvokeFunctionMsg, middlewareId: string, context: Record<string, unknown>): void {
    const input = { function_id: msg.function_id, payload: msg.data ?? null, action: msg.action ?? null, context };
    const id = msg.invocation_id ?? randomUUID();
    this.invoke(middlewareId, input, { metadata: msg.metadata, traceparent: msg.traceparent, baggage: msg.baggage }).then(
      (result) => caller.send(resultFrame(id, msg.function_id, { result })),
      (err: unknown) => caller.send(resultFrame(id, msg.function_id, { error: toErrorBody(err) })),
    );
  }

  /** The engine's internal call path. */
  invoke(functionId: string, data: unknown, opts: InvokeOptions = {}): Promise<unknown> {
    return new Promise((resolve, reject) => {
      const call: CallInfo = { functionId, metadata: opts.metadata, traceparent: opts.traceparent, baggage: opts.baggage };
      this.dispatch(
        // Random, not a counter: a worker's `invocationresult` is matched by id alone.
        randomUuid(),
        data,
        call,
        undefined,
        (c) => {
          if (c.error)
            reject(
              new EngineError(
                c.error.code,
                c.error.message,
                c.error.stacktrace ? { details: { stacktrace: c.error.stacktrace } } : undefined,
              ),
            );
          else resolve(c.result);
        },
        opts.timeoutMs,
      );
    });
  }

  /**
   * A worker's `invocationresult`. Late or unknown ids are ignored. The decoded frame is the completion
   * itself (its `result`, `error`, `traceparent`, `baggage` are what a Completion carries; the decoder
   * sets `result` only when there is no `error`): no copy per result.
   */
  onResult(msg: InvocationResultMsg): void {
    this.table.complete(msg.invocation_id, msg);
  }

  private dispatch(
    id: string,
    data: unknown,
    call: CallInfo,
    callerId: string | undefined,
    settle: (c: Completion) => void,
    timeoutMs?: number,
  ): void {
    const replicas = this.functions.replicas(call.functionId);
    const fn = replicas[replicas.length - 1];
    if (!fn) {
      settle({ error: { code: 'function_not_found', message: `Function ${call.functionId} not found` } });
      return;
    }
    const tracer = this.observe.tracer();
    const telemetry = this.observe.telemetry();
    const started = performance.now();
    // workers.md §0.2: built-ins get a `call <id>` span when the caller sent trace context; SDK functions
    // do not (their own `execute <id>` span is canonical).
    const span = fn.target.kind === 'local' ? tracer?.startCallSpan(fn.id, call) : undefined;
    settle = observed(settle, fn.id, started, span, telemetry);
    if (fn.target.kind === 'local') {
      runLocal(fn, data, span ? { ...call, traceparent: span.traceparent } : call, settle, this.log);
      return;
    }
    if (this.table.has(id)) {
      settle({ error: { code: 'E_PROTOCOL_BAD_MESSAGE', message: `invocation_id ${id} is already in flight` } });
      return;
    }
    // Replicas are tried best first; a frame that could not be queued was never delivered, so the next
    // replica may take the call without running it twice.
    let refused: string | undefined;
    for (const replica of replicas.length === 1 ? (this.isLive(fn) ? replicas : []) : this.spread(fn.id, replicas)) {
      const target = this.peers.get(replica.target.workerId as string) as RoutablePeer;
      // Queued in this turn, answered in a later one: entering the table after the send is safe.
      if (target.send(invokeFrame(id, stripPrefix(replica), data, call))) {
        this.table.add({ id, functionId: call.functionId, target: target.id, caller: callerId, settle }, timeoutMs);
        return;
      }
      refused = target.id;
    }
    if (refused !== undefined)
      settle({ error: { code: 'channel_send_failed', message: `could not deliver the call to worker ${refused}` } });
    else settle({ error: { code: 'invocation_stopped', message: 'Invocation stopped' } });
  }

  /**
   * The live replicas, best first: fewest calls in flight (a slow or stalled replica stops receiving new
   * work), ties taken in round-robin order.
   */
  private spread(id: string, all: readonly FunctionEntry[]): FunctionEntry[] {
    const live = all.filter((e) => this.isLive(e));
    if (live.length <= 1) return live;
    const start = this.functions.turn(id) % live.length;
    const rotated = [...live.slice(start), ...live.slice(0, start)];
    const load = (e: FunctionEntry): number => this.table.activeFor(e.target.workerId as string);
    return rotated.sort((a, b) => load(a) - load(b));
  }

  private isLive(e: FunctionEntry): boolean {
    const peer = e.target.workerId === undefined ? undefined : this.peers.get(e.target.workerId);
    return peer !== undefined && peer.live !== false;
  }

  private enqueue(caller: RoutablePeer, msg: InvokeFunctionMsg, queue: string): void {
    const receipt = randomUUID();
    const input = {
      queue,
      function_id: msg.function_id,
      data: msg.data ?? null,
      messageReceiptId: receipt,
      ...(msg.traceparent ? { traceparent: msg.traceparent } : {}),
      ...(msg.baggage ? { baggage: msg.baggage } : {}),
    };
    this.invoke(ENQUEUE_PROVIDER, input, { traceparent: msg.traceparent, baggage: msg.baggage }).then(
      () => {
        this.observe.telemetry()?.recordInvocation(msg.function_id, 'deferred');
        if (msg.invocation_id !== undefined)
          caller.send(resultFrame(msg.invocation_id, msg.function_id, { result: { messageReceiptId: receipt } }));
      },
      (err: unknown) => {
        const body = toErrorBody(err);
        const message =
          body.code === 'function_not_found'
            ? `no queue provider is running: add the queue worker (\`iii worker add queue\`) (${body.message})`
            : body.message;
        if (msg.invocation_id !== undefined)
          caller.send(resultFrame(msg.invocation_id, msg.function_id, { error: { code: 'enqueue_error', message } }));
      },
    );
  }
}

function noop(): void {}

/**
 * `settle` that first ends the call span and records the outcome. Returned from here rather than
 * written inline: tsx keeps names, and a named closure per call costs a defineProperty per call.
 */
function observed(
  settle: (c: Completion) => void,
  functionId: string,
  started: number,
  span: SpanHandle | undefined,
  telemetry: TelemetrySink | undefined,
): (c: Completion) => void {
  return (c) => {
    if (span) {
      span.setStatus(c.error ? 'error' : 'ok', c.error?.message);
      span.end();
    }
    telemetry?.recordInvocation(functionId, c.error ? 'error' : 'success', performance.now() - started);
    settle(c);
  };
}

/**
 * protocol.md §3.8: object payloads of worker-initiated sync/Void calls carry the caller's id. The payload
 * was parsed from this very frame and belongs to nobody else, so it is tagged in place rather than copied.
 */
function withCaller(data: unknown, callerId: string): unknown {
  if (typeof data !== 'object' || data === null || Array.isArray(data)) return data;
  (data as Record<string, unknown>)._caller_worker_id = callerId;
  return data;
}

function stripPrefix(fn: FunctionEntry): string {
  const prefix = fn.target.kind === 'remote' ? fn.target.prefix : undefined;
  return prefix && fn.id.startsWith(`${prefix}::`) ? fn.id.slice(prefix.length + 2) : fn.id;
}

function invokeFrame(id: string, functionId: string, data: unknown, call: CallInfo): InvokeFunctionMsg {
  const frame: InvokeFunctionMsg = { type: 'invokefunction', invocation_id: id, function_id: functionId, data };
  if (call.traceparent) frame.traceparent = call.traceparent;
  if (call.baggage) frame.baggage = call.baggage;
  if (call.metadata !== undefined) frame.metadata = call.metadata;
  return frame;
}

export function resultFrame(id: string, functionId: string, c: Completion): InvocationResultMsg {
  const frame: InvocationResultMsg = { type: 'invocationresult', invocation_id: id, function_id: functionId };
  if (c.error) frame.error = c.error;
  else if (c.result !== undefined && c.result !== null) frame.result = c.result;
  if (c.traceparent) frame.traceparent = c.traceparent;
  if (c.baggage) frame.baggage = c.baggage;
  return frame;
}

function runLocal(fn: FunctionEntry, data: unknown, call: CallInfo, settle: (c: Completion) => void, log: Logger): void {
  const handler = (fn.target as { handler: (i: unknown, c: CallInfo) => unknown }).handler;
  let out: unknown;
  try {
    out = handler(data, call);
  } catch (err) {
    settle({ error: errorOf(err, fn.id, log) });
    return;
  }
  if (out instanceof Promise) {
    out.then(
      (result: unknown) => settle({ result }),
      (err: unknown) => settle({ error: errorOf(err, fn.id, log) }),
    );
  } else {
    settle({ result: out });
  }
}

function errorOf(err: unknown, functionId: string, log: Logger): ErrorBody {
  if (!(err instanceof EngineError)) log.warn('built-in function failed unexpectedly', { function_id: functionId, error: String(err) });
  return toErrorBody(err);
}
