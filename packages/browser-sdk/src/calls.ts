/**
 * Calls this worker makes (`trigger`), and the queue of frames produced while the socket is not open
 * (protocol.md §3.1–§3.4): sync and enqueue calls wait for their `invocationresult` or their timeout, which
 * starts at the call even while the frame is still queued.
 */
import { fromErrorBody, InvocationError } from './errors.ts';
import { uuidv4 } from './ids.ts';
import type { InvocationResultMessage, InvokeFunctionMessage } from './protocol.ts';
import type { TriggerRequest } from './types.ts';

interface Pending {
  function_id: string;
  resolve(v: unknown): void;
  reject(e: unknown): void;
  timer: ReturnType<typeof setTimeout>;
}

/** A frame waiting for the socket; `invocationId` marks a call whose frame is dropped once it settled. */
interface Queued {
  frame: object;
  invocationId?: string;
}

export class Calls {
  private readonly pending = new Map<string, Pending>();
  private readonly queue: Queued[] = [];
  private closed = false;

  constructor(
    private readonly send: (frame: object) => boolean,
    private readonly defaultTimeoutMs: number,
  ) {}

  /** Send now, or keep for `flush` after the next open. */
  sendOrQueue(frame: object, invocationId?: string): void {
    if (this.closed) return;
    if (!this.send(frame)) this.queue.push(invocationId ? { frame, invocationId } : { frame });
  }

  /** After replay on open: everything queued, in order, except calls that already settled. */
  flush(): void {
    for (const q of this.queue.splice(0)) {
      if (q.invocationId && !this.pending.has(q.invocationId)) continue;
      if (!this.send(q.frame)) this.queue.push(q);
    }
  }

  trigger<TOutput>(req: TriggerRequest<unknown>): Promise<TOutput> {
    if (this.closed) return Promise.reject(shuttingDown());
    const frame: InvokeFunctionMessage = { type: 'invokefunction', function_id: req.function_id, data: req.payload };
    if (req.action) frame.action = req.action;
    if (req.action?.type === 'void') {
      this.sendOrQueue(frame);
      return Promise.resolve(undefined as TOutput);
    }
    const id = uuidv4();
    frame.invocation_id = id;
    const timeoutMs = req.timeoutMs ?? this.defaultTimeoutMs;
    const done = new Promise<TOutput>((resolve, reject) => {
      const timer = setTimeout(() => {
        this.pending.delete(id);
        reject(
          new InvocationError('TIMEOUT', `Invocation timeout after ${timeoutMs}ms: ${req.function_id}`, { function_id: req.function_id }),
        );
      }, timeoutMs);
      this.pending.set(id, { function_id: req.function_id, resolve: resolve as (v: unknown) => void, reject, timer });
    });
    this.sendOrQueue(frame, id);
    return done;
  }

  /** An E→W `invocationresult` for one of our calls; unknown (late) ids are ignored. */
  settle(msg: InvocationResultMessage): void {
    const p = this.pending.get(msg.invocation_id);
    if (!p) return;
    this.pending.delete(msg.invocation_id);
    clearTimeout(p.timer);
    if (msg.error !== undefined && msg.error !== null) p.reject(fromErrorBody(msg.error, p.function_id));
    else p.resolve(msg.result);
  }

  /** Shutdown: every pending call rejects, nothing queued is ever sent. */
  close(): void {
    this.closed = true;
    this.queue.length = 0;
    for (const p of this.pending.values()) {
      clearTimeout(p.timer);
      p.reject(shuttingDown());
    }
    this.pending.clear();
  }
}

function shuttingDown(): InvocationError {
  return new InvocationError('SHUTTING_DOWN', 'iii is shutting down');
}
