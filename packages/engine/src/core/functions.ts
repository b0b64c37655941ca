/**
 * The global function namespace: id → who serves it. Last writer wins (protocol.md §3.6); removal by a
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

export class FunctionRegistry {
  private readonly fns = new Map<string, FunctionEntry>();
  private version = 0;
  private readonly listeners = new Set<() => void>();

  get(id: string): FunctionEntry | undefined {
    return this.fns.get(id);
  }

  has(id: string): boolean {
    return this.fns.has(id);
  }

  all(): IterableIterator<FunctionEntry> {
    return this.fns.values();
  }

  /** Changes whenever the id set changes (for `engine::functions-available`). */
  get changeVersion(): number {
    return this.version;
  }

  onChange(fn: () => void): () => void {
    this.listeners.add(fn);
    return () => this.listeners.delete(fn);
  }

  set(entry: FunctionEntry): FunctionEntry | undefined {
    const previous = this.fns.get(entry.id);
    this.fns.set(entry.id, entry);
    this.changed();
    return previous;
  }

  /** Remove `id` only if `isOwner(current)` holds (ownership check on disconnect/unregister). */
  removeIf(id: string, isOwner: (e: FunctionEntry) => boolean): boolean {
    const cur = this.fns.get(id);
    if (!cur || !isOwner(cur)) return false;
    this.fns.delete(id);
    this.changed();
    return true;
  }

  private changed(): void {
    this.version++;
    for (const l of this.listeners) l();
  }
}
