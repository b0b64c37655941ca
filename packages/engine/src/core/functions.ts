/**
 * The global function namespace: id → who serves it. Workers serving the same id are replicas (the
 * router spreads calls over them); otherwise the last writer wins (protocol.md §3.6) and removal by a
 * previous owner is ignored once someone else took the id over.
 */

import type { CallInfo } from '../modules/module.ts';
import type { JsonSchema } from './config/schema.ts';

/** An in-process handler (built-in module or HTTP-invoked function). */
export interface LocalTarget {
  kind: 'local';
  /** Module instance or subsystem that owns it, e.g. `state`, `iii-http-functions`. */
  owner: string;
  /** Worker connection that owns it (HTTP-invoked functions), if any. */
  workerId?: string;
  handler: (input: unknown, call: CallInfo) => unknown;
}

/** A function served by a connected worker. */
export interface RemoteTarget {
  kind: 'remote';
  workerId: string;
  /** Session prefix P: the worker registered `id`, the registry stores `P::id`. */
  prefix?: string;
}

export interface FunctionEntry {
  id: string;
  description?: string;
  request_format?: JsonSchema;
  response_format?: JsonSchema;
  metadata?: Record<string, unknown>;
  target: LocalTarget | RemoteTarget;
  registeredAt: number;
}

/**
 * Everyone serving one id. Worker registrations of an id that other workers already serve are kept side
 * by side (replicas: two `link` workers); a built-in, or an HTTP-invoked function, replaces whatever was
 * there and is replaced by the next registration, as the reference's last-writer-wins namespace does.
 */
interface Slot {
  entries: FunctionEntry[];
  /** Round-robin cursor for ties between equally loaded replicas. */
  cursor: number;
}

export class FunctionRegistry {
  private readonly fns = new Map<string, Slot>();
  private version = 0;
  private readonly listeners = new Set<() => void>();

  /** The latest registration of `id` (what listings and `engine::functions::info` describe). */
  get(id: string): FunctionEntry | undefined {
    const slot = this.fns.get(id);
    return slot?.entries[slot.entries.length - 1];
  }

  /** Every registration serving `id`, oldest first (one unless workers serve it side by side). */
  replicas(id: string): readonly FunctionEntry[] {
    return this.fns.get(id)?.entries ?? [];
  }

  /** The next value of the id's round-robin cursor. */
  turn(id: string): number {
    const slot = this.fns.get(id);
    return slot ? slot.cursor++ : 0;
  }

  has(id: string): boolean {
    return this.fns.has(id);
  }

  *all(): IterableIterator<FunctionEntry> {
    for (const slot of this.fns.values()) yield slot.entries[slot.entries.length - 1] as FunctionEntry;
  }

  /** Changes whenever a registration is added or removed (for `engine::functions-available`). */
  get changeVersion(): number {
    return this.version;
  }

  onChange(fn: () => void): () => void {
    this.listeners.add(fn);
    return () => this.listeners.delete(fn);
  }

  /** Add a registration; returns the registration it displaced from another owner (a takeover), if any. */
  set(entry: FunctionEntry): FunctionEntry | undefined {
    const slot = this.fns.get(entry.id);
    if (!slot) {
      this.fns.set(entry.id, { entries: [entry], cursor: 0 });
    } else if (isReplica(entry) && slot.entries.every(isReplica)) {
      // Same worker again (re-registration): its entry is replaced in place; another worker: one more replica.
      const mine = slot.entries.findIndex((e) => e.target.workerId === entry.target.workerId);
      if (mine >= 0) slot.entries[mine] = entry;
      else slot.entries.push(entry);
    } else {
      const previous = slot.entries[slot.entries.length - 1];
      slot.entries = [entry];
      this.changed();
      return previous;
    }
    this.changed();
    return undefined;
  }

  /** Remove the registrations of `id` for which `isOwner` holds (disconnect, unregister, module stop). */
  removeIf(id: string, isOwner: (e: FunctionEntry) => boolean): boolean {
    const slot = this.fns.get(id);
    if (!slot) return false;
    const kept = slot.entries.filter((e) => !isOwner(e));
    if (kept.length === slot.entries.length) return false;
    if (kept.length === 0) this.fns.delete(id);
    else slot.entries = kept;
    this.changed();
    return true;
  }

  private changed(): void {
    this.version++;
    for (const l of this.listeners) l();
  }
}

/** Only functions served over the worker protocol are spread over replicas. */
function isReplica(e: FunctionEntry): boolean {
  return e.target.kind === 'remote';
}
