/**
 * The bridge link's outstanding calls: each has its own timer, and is either sent (waiting for its
 * `invocationresult`) or parked (the link is down; its frame waits for the next connection).
 *
 * Parking is bounded twice: at most `maxParked` calls, and each for at most `offlineWaitMs` (never past
 * its own timeout). A parked call that gives up is dropped with its frame, so it can never run later
 * (the reference queues frames without bound and sends timed-out calls after reconnect: ghost writes).
 */
import { EngineError, type ErrorBody } from '../core/errors/index.ts';
import type { InvokeFunctionMsg } from '../protocol/messages.ts';
import { linkError } from './errors.ts';

interface Call {
  functionId: string;
  resolve(v: unknown): void;
  reject(e: EngineError): void;
  timer: NodeJS.Timeout;
  /** Set while parked (not yet on the wire). */
  frame?: InvokeFunctionMsg;
  offlineTimer?: NodeJS.Timeout;
}

export interface CallLimits {
  maxParked: number;
  offlineWaitMs: number;
}

export class LinkCalls {
  private readonly calls = new Map<string, Call>();
  private parked = 0;

  constructor(private readonly limits: CallLimits) {}

  get size(): number {
    return this.calls.size;
  }

  get parkedCount(): number {
    return this.parked;
  }

  /**
   * Track a call. `send` puts the frame on the wire and returns false when the link is down; then the
   * call is parked (or refused at once when the parking is full).
   */
  start(frame: InvokeFunctionMsg & { invocation_id: string }, timeoutMs: number, send: () => boolean): Promise<unknown> {
    return new Promise((resolve, reject) => {
      const id = frame.invocation_id;
      const timer = setTimeout(() => {
        const parked = this.calls.get(id)?.frame !== undefined;
        this.fail(
          id,
          parked
            ? linkError('E_BRIDGE_OFFLINE', `the bridge did not reconnect within ${timeoutMs} ms; ${frame.function_id} was not sent`)
            : linkError('E_BRIDGE_TIMEOUT', `${frame.function_id} gave no result within ${timeoutMs} ms (it may still run remotely)`),
        );
      }, timeoutMs);
      const call: Call = { functionId: frame.function_id, resolve, reject, timer };
      this.calls.set(id, call);
      if (send()) return;
      if (this.parked >= this.limits.maxParked) {
        this.fail(id, linkError('E_BRIDGE_OFFLINE', `the bridge is not connected and ${this.parked} calls already wait for it`));
        return;
      }
      const wait = Math.min(timeoutMs, this.limits.offlineWaitMs);
      call.frame = frame;
      call.offlineTimer = setTimeout(
        () =>
          this.fail(id, linkError('E_BRIDGE_OFFLINE', `the bridge did not reconnect within ${wait} ms; ${frame.function_id} was not sent`)),
        wait,
      );
      this.parked++;
    });
  }

  /** Frames of parked calls, in call order; they count as sent from now on. */
  unpark(): InvokeFunctionMsg[] {
    const out: InvokeFunctionMsg[] = [];
    for (const call of this.calls.values()) {
      if (!call.frame) continue;
      out.push(call.frame);
      this.unparkOne(call);
    }
    return out;
  }

  /** An `invocationresult`; the remote error keeps its code. Unknown ids (late results) are ignored. */
  settle(id: string, result: unknown, error: ErrorBody | undefined): void {
    const call = this.calls.get(id);
    if (!call) return;
    if (error) this.fail(id, remoteError(call.functionId, error));
    else {
      this.drop(id, call);
      call.resolve(result);
    }
  }

  /** The socket went away: sent calls fail now (their results can never arrive); parked ones keep waiting. */
  failSent(make: (functionId: string) => EngineError): void {
    for (const [id, call] of this.calls) if (!call.frame) this.fail(id, make(call.functionId));
  }

  failAll(make: (functionId: string) => EngineError): void {
    for (const [id, call] of this.calls) this.fail(id, make(call.functionId));
  }

  private fail(id: string, err: EngineError): void {
    const call = this.calls.get(id);
    if (!call) return;
    this.drop(id, call);
    call.reject(err);
  }

  private drop(id: string, call: Call): void {
    clearTimeout(call.timer);
    if (call.frame) this.unparkOne(call);
    this.calls.delete(id);
  }

  private unparkOne(call: Call): void {
    clearTimeout(call.offlineTimer);
    call.frame = undefined;
    call.offlineTimer = undefined;
    this.parked--;
  }
}

/** A remote failure as a local error with the remote code, message and stacktrace intact. */
function remoteError(functionId: string, body: ErrorBody): EngineError {
  return new EngineError(body.code, body.message, {
    details: { origin: 'remote', function_id: functionId, ...(body.stacktrace ? { stacktrace: body.stacktrace } : {}) },
  });
}
