/**
 * Trigger type `configuration` (workers.md §9.2): fires after register / set / external file edits /
 * deletions, asynchronously (a `configuration::set` caller never waits on handlers). Reads never fire.
 */
import { z } from 'zod';
import { check, formatIssues, toJsonSchema } from '../../core/config/schema.ts';
import { EngineError } from '../../core/errors/index.ts';
import type { Logger } from '../../util/logger.ts';
import type { EngineApi, TriggerInstance, TriggerTypeDef } from '../module.ts';
import type { ConfigStore, ConfigurationEvent } from './store.ts';
import type { TtlReaper } from './ttl.ts';

const EVENT_TYPES = ['configuration:registered', 'configuration:updated', 'configuration:deleted'] as const;

const triggerConfig = z.looseObject({
  configuration_id: z.string().optional().describe('Only this entry (default: every entry)'),
  event_types: z.array(z.enum(EVENT_TYPES)).optional().describe('Only these events (default: all)'),
  condition_function_id: z.string().optional().describe('Handler runs unless this returns false'),
});

type Binding = { trigger: TriggerInstance; configurationId?: string; eventTypes?: readonly string[]; condition?: string };

export function configurationTriggerType(
  api: EngineApi,
  store: ConfigStore,
  log: Logger,
  reaper: TtlReaper,
): { def: TriggerTypeDef; dispose: () => void } {
  const bindings = new Map<string, Binding>();
  const off = store.onEvent((ev) => {
    for (const b of bindings.values()) {
      if (b.configurationId !== undefined && b.configurationId !== ev.entry.id) continue;
      if (b.eventTypes !== undefined && !b.eventTypes.includes(ev.event_type)) continue;
      setImmediate(() => void fire(api, store, b, ev, log));
    }
  });
  const def: TriggerTypeDef = {
    id: 'configuration',
    description: 'Fires when a configuration entry is registered, updated or deleted',
    configuration_schema: toJsonSchema(triggerConfig),
    register(trigger) {
      const r = check(triggerConfig, trigger.config ?? {});
      if (!r.ok) throw new EngineError('trigger_registration_failed', `invalid configuration trigger config:\n${formatIssues(r.issues)}`);
      bindings.set(trigger.id, {
        trigger,
        ...(r.value.configuration_id !== undefined ? { configurationId: r.value.configuration_id } : {}),
        ...(r.value.event_types !== undefined ? { eventTypes: r.value.event_types } : {}),
        ...(r.value.condition_function_id !== undefined ? { condition: r.value.condition_function_id } : {}),
      });
      if (r.value.configuration_id !== undefined) reaper.bound(r.value.configuration_id);
    },
    unregister(trigger) {
      const b = bindings.get(trigger.id);
      bindings.delete(trigger.id);
      if (b?.configurationId !== undefined) reaper.unbound(b.configurationId);
    },
  };
  return { def, dispose: off };
}

/** The workers.md §9.2 payload; values are expanded (a value that cannot be expanded is passed as stored). */
export function eventPayload(store: ConfigStore, ev: ConfigurationEvent): Record<string, unknown> {
  const expand = (v: unknown): unknown => {
    try {
      return store.expand(ev.entry, v);
    } catch {
      return v ?? null;
    }
  };
  return {
    type: 'configuration',
    event_type: ev.event_type,
    id: ev.entry.id,
    name: ev.entry.name,
    description: ev.entry.description,
    schema: ev.entry.schema ?? null,
    old_value: expand(ev.old_value),
    new_value: expand(ev.new_value),
    ...(ev.entry.metadata !== undefined ? { metadata: ev.entry.metadata } : {}),
  };
}

async function fire(api: EngineApi, store: ConfigStore, b: Binding, ev: ConfigurationEvent, log: Logger): Promise<void> {
  const payload = eventPayload(store, ev);
  const opts = b.trigger.metadata !== undefined ? { metadata: b.trigger.metadata } : {};
  if (b.condition) {
    try {
      if ((await api.invoke(b.condition, payload, opts)) === false) return;
    } catch (err) {
      log.warn('configuration trigger condition failed; handler skipped', { trigger: b.trigger.id, error: String(err) });
      return;
    }
  }
  api.invokeVoid(b.trigger.function_id, payload, opts);
}
