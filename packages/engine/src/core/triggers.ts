/**
 * Trigger types, live triggers and parked (pending) intents (protocol.md §4.1).
 *
 * A trigger whose type is unknown is parked, and activated when the type registers. When the owner of a
 * worker-served type goes away, its type disappears and every trigger bound to it is parked again.
 */

import type { TriggerInstance } from '../modules/module.ts';
import type { Logger } from '../util/logger.ts';
import type { JsonSchema } from './config/schema.ts';
import { EngineError } from './errors/index.ts';

export interface TriggerTypeEntry {
  id: string;
  description?: string;
  configuration_schema?: JsonSchema;
  request_schema?: JsonSchema;
  response_schema?: JsonSchema;
  /** Worker connection serving the type; undefined for in-process (module) types. */
  ownerWorkerId?: string;
  /** Module instance serving the type. */
  ownerModule?: string;
  register(t: TriggerInstance): void | Promise<void>;
  unregister(t: TriggerInstance): void | Promise<void>;
}

/** Thrown by a type's `register` when its owner cannot be reached: the trigger is parked, not refused. */
export class OwnerUnreachable extends Error {}

export type RegisterOutcome = 'live' | 'pending';

export class TriggerRegistry {
  readonly types = new Map<string, TriggerTypeEntry>();
  readonly live = new Map<string, TriggerInstance>();
  readonly pending = new Map<string, TriggerInstance>();

  constructor(
    private readonly log: Logger,
    /** Told when a parked trigger is refused on activation (so its registering worker can be informed). */
    private readonly onRefused: (t: TriggerInstance, err: EngineError) => void,
  ) {}

  /** Register or park. Throws `trigger_registration_failed` when the type refuses it. */
  async register(t: TriggerInstance): Promise<RegisterOutcome> {
    const type = this.types.get(t.trigger_type);
    if (!type) {
      this.pending.set(t.id, t);
      this.log.debug('trigger parked until its type registers', { id: t.id, trigger_type: t.trigger_type });
      return 'pending';
    }
    const previous = this.live.get(t.id);
    if (previous) await this.unregister(t.id);
    try {
      await type.register(t);
    } catch (err) {
      if (err instanceof OwnerUnreachable) {
        this.pending.set(t.id, t);
        return 'pending';
      }
      throw new EngineError('trigger_registration_failed', err instanceof Error ? err.message : String(err), { cause: err });
    }
    this.pending.delete(t.id);
    this.live.set(t.id, t);
    return 'live';
  }

  /** Remove a live trigger or a parked intent. Returns whether anything was removed. */
  async unregister(id: string): Promise<boolean> {
    if (this.pending.delete(id)) return true;
    const t = this.live.get(id);
    if (!t) return false;
    this.live.delete(id);
    const type = this.types.get(t.trigger_type);
    if (type) {
      try {
        await type.unregister(t);
      } catch (err) {
        this.log.warn('trigger type failed to unregister a trigger', { id, trigger_type: t.trigger_type, error: String(err) });
        throw new EngineError('unregister_failed', err instanceof Error ? err.message : String(err));
      }
    }
    return true;
  }

  /** Move a live trigger back to the parked set (its owner refused or lost it). */
  park(id: string): TriggerInstance | undefined {
    const t = this.live.get(id);
    if (!t) return undefined;
    this.live.delete(id);
    this.pending.set(id, t);
    return t;
  }

  /**
   * Add or replace a type, then replay its live triggers to the new registrator and activate its parked ones.
   * `isAlive` drops parked intents whose registering worker is gone.
   */
  async addType(entry: TriggerTypeEntry, isAlive: (workerId: string) => boolean): Promise<void> {
    this.types.set(entry.id, entry);
    for (const [id, t] of this.pending) if (t.workerId !== undefined && !isAlive(t.workerId)) this.pending.delete(id);
    for (const t of [...this.live.values()]) {
      if (t.trigger_type !== entry.id) continue;
      await this.activate(entry, t);
    }
    for (const t of [...this.pending.values()]) {
      if (t.trigger_type !== entry.id) continue;
      await this.activate(entry, t);
    }
  }

  private async activate(type: TriggerTypeEntry, t: TriggerInstance): Promise<void> {
    try {
      await type.register(t);
      this.pending.delete(t.id);
      this.live.set(t.id, t);
    } catch (err) {
      if (err instanceof OwnerUnreachable) {
        this.park(t.id);
        return;
      }
      this.live.delete(t.id);
      this.pending.delete(t.id);
      this.onRefused(t, new EngineError('trigger_registration_failed', err instanceof Error ? err.message : String(err)));
    }
  }

  /** Remove a type if `owner` still serves it; park every trigger that was bound to it. */
  removeType(id: string, isOwner: (e: TriggerTypeEntry) => boolean): boolean {
    const type = this.types.get(id);
    if (!type || !isOwner(type)) return false;
    this.types.delete(id);
    for (const t of [...this.live.values()]) if (t.trigger_type === id) this.park(t.id);
    return true;
  }

  /** Disconnect cleanup for one worker (protocol.md §1.9 step 4). */
  async dropWorker(workerId: string): Promise<void> {
    for (const [id, t] of this.pending) if (t.workerId === workerId) this.pending.delete(id);
    for (const t of [...this.live.values()]) {
      if (t.workerId !== workerId) continue;
      await this.unregister(t.id).catch(() => undefined);
    }
    for (const type of [...this.types.values()]) {
      if (type.ownerWorkerId === workerId) this.removeType(type.id, (e) => e.ownerWorkerId === workerId);
    }
  }
}
