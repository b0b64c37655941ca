/**
 * Pending invocations, keyed by invocation id (nats' muxsubscription shape).
 *
 * Every call the engine forwards to a worker has one entry here until its `invocationresult` arrives.
 * Entries are indexed by the worker executing them (`target`) and the worker that asked (`caller`) so a
 * socket that closes can settle everything it touches at once: callers of a vanished target get
 * `invocation_stopped` immediately instead of their 30 s client timeout.
 */
import type { ErrorBody } from '../errors/index.ts';

/** The side of a connection the table needs: an identity. */
export type PeerId = string;

export interface Completion {
  result?: unknown;
  error?: ErrorBody;
  traceparent?: string;
  baggage?: string;
}

export interface PendingInvocation {
  readonly id: string;
  readonly functionId: string;
  /** Connection executing the call. */
  readonly target: PeerId;
  /** Connection that asked, when a worker asked (sync calls); undefined for engine-internal calls. */
  readonly caller: PeerId | undefined;
  /** Called exactly once. */
  readonly settle: (c: Completion) => void;
  timer?: NodeJS.Timeout;
}

export const STOPPED: ErrorBody = { code: 'invocation_stopped', message: 'Invocation stopped' };

export class InvocationTable {
  private readonly entries = new Map<string, PendingInvocation>();
  private readonly byTarget = new Map<PeerId, Set<string>>();
  private readonly byCaller = new Map<PeerId, Set<string>>();

  get size(): number {
    return this.entries.size;
  }

  has(id: string): boolean {
    return this.entries.has(id);
  }

  add(entry: PendingInvocation, timeoutMs?: number): void {
    this.entries.set(entry.id, entry);
    index(this.byTarget, entry.target, entry.id);
    if (entry.caller !== undefined) index(this.byCaller, entry.caller, entry.id);
    if (timeoutMs !== undefined && timeoutMs > 0) {
      entry.timer = setTimeout(
        () => this.complete(entry.id, { error: { code: 'E_INVOKE_TIMEOUT', message: `invocation timed out after ${timeoutMs} ms` } }),
        timeoutMs,
      );
      entry.timer.unref();
    }
  }

  /** Settle and forget an entry. Returns false for unknown ids (late results are ignored). */
  complete(id: string, c: Completion): boolean {
    const entry = this.take(id);
    if (!entry) return false;
    entry.settle(c);
    return true;
  }

  /** Number of calls a connection is executing right now. */
  activeFor(target: PeerId): number {
    return this.byTarget.get(target)?.size ?? 0;
  }

  /**
   * A connection is gone: calls it was executing are stopped (their callers are told), calls it had
   * issued lose their reply path (the target's late result will be ignored).
   */
  dropPeer(peer: PeerId): number {
    let stopped = 0;
    for (const id of [...(this.byTarget.get(peer) ?? [])]) {
      if (this.complete(id, { error: STOPPED })) stopped++;
    }
    for (const id of [...(this.byCaller.get(peer) ?? [])]) this.take(id);
    this.byTarget.delete(peer);
    this.byCaller.delete(peer);
    return stopped;
  }

  /** Reject everything (engine shutdown). */
  dropAll(): void {
    for (const id of [...this.entries.keys()]) this.complete(id, { error: STOPPED });
  }

  private take(id: string): PendingInvocation | undefined {
    const entry = this.entries.get(id);
    if (!entry) return undefined;
    this.entries.delete(id);
    if (entry.timer) clearTimeout(entry.timer);
    unindex(this.byTarget, entry.target, id);
    if (entry.caller !== undefined) unindex(this.byCaller, entry.caller, id);
    return entry;
  }
}

function index(map: Map<PeerId, Set<string>>, peer: PeerId, id: string): void {
  let set = map.get(peer);
  if (!set) {
    set = new Set();
    map.set(peer, set);
  }
  set.add(id);
}

function unindex(map: Map<PeerId, Set<string>>, peer: PeerId, id: string): void {
  const set = map.get(peer);
  if (!set) return;
  set.delete(id);
  if (set.size === 0) map.delete(peer);
}
