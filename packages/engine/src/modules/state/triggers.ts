/**
 * Trigger type `state` (workers.md §2.2, protocol.md §4.2.4): `{scope?, key?, condition_function_id?}`.
 * Events fan out after the write has succeeded and never block or roll it back.
 */
import { check, formatIssues, toJsonSchema } from '../../core/config/schema.ts';
import { EngineError } from '../../core/errors/index.ts';
import type { KvChange } from '../../kv/index.ts';
import type { Logger } from '../../util/logger.ts';
import type { EngineApi, TriggerInstance, TriggerTypeDef } from '../module.ts';
import { triggerConfigSchema } from './config.ts';

export type StateEventType = 'state:created' | 'state:updated' | 'state:deleted';

export interface StateEvent {
  type: 'state';
  event_type: StateEventType;
  scope: string;
  key: string;
  old_value: unknown;
  new_value: unknown;
}

/**
 * The trigger payload for a change announced on the kv feed (whichever engine made it); undefined for
 * feed messages, which state never sends. A delete fires even when nothing existed (reference behaviour).
 */
export function stateEventOf(c: KvChange): StateEvent | undefined {
  if (c.kind === 'message') return undefined;
  if (c.kind === 'delete')
    return { type: 'state', event_type: 'state:deleted', scope: c.scope, key: c.key, old_value: c.old ?? null, new_value: null };
  const event_type = c.old === undefined ? 'state:created' : 'state:updated';
  return { type: 'state', event_type, scope: c.scope, key: c.key, old_value: c.old ?? null, new_value: c.value };
}

interface Binding {
  functionId: string;
  scope: string | undefined;
  key: string | undefined;
  condition: string | undefined;
  metadata: unknown;
}

export class StateTriggers {
  private readonly bindings = new Map<string, Binding>();

  constructor(
    private readonly engine: EngineApi,
    private readonly log: Logger,
  ) {}

  typeDef(): TriggerTypeDef {
    return {
      id: 'state',
      description: 'Fires after state::set, state::update and state::delete',
      configuration_schema: toJsonSchema(triggerConfigSchema),
      register: (t) => this.add(t),
      unregister: (t) => {
        this.bindings.delete(t.id);
      },
    };
  }

  private add(t: TriggerInstance): void {
    const r = check(triggerConfigSchema, t.config ?? {});
    if (!r.ok) throw new EngineError('trigger_registration_failed', `invalid state trigger config: ${formatIssues(r.issues)}`);
    const { scope, key, condition_function_id } = r.value;
    // A duplicate id silently replaces the earlier binding.
    this.bindings.set(t.id, {
      functionId: t.function_id,
      scope: scope || undefined,
      key: key || undefined,
      condition: condition_function_id || undefined,
      metadata: t.metadata,
    });
  }

  fire(event: StateEvent): void {
    for (const b of this.bindings.values()) {
      if ((b.scope !== undefined && b.scope !== event.scope) || (b.key !== undefined && b.key !== event.key)) continue;
      void this.deliver(b, event);
    }
  }

  private async deliver(b: Binding, event: StateEvent): Promise<void> {
    const opts = b.metadata === undefined ? {} : { metadata: b.metadata };
    if (b.condition) {
      try {
        // Only an exact `false` skips; null/absent/anything else passes.
        if ((await this.engine.invoke(b.condition, event)) === false) return;
      } catch (err) {
        this.log.warn('state trigger condition failed; handler skipped', { condition: b.condition, error: (err as Error).message });
        return;
      }
    }
    this.engine.invokeVoid(b.functionId, event, opts);
  }
}
