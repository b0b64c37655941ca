/** `configuration::register|set|get|list|schema` (workers.md §9.1). */

import { z } from 'zod';
import { EngineError } from '../../core/errors/index.ts';
import { defineFunction } from '../define-function.ts';
import type { EngineApi, LocalFunction } from '../module.ts';
import type { ConfigEntry, ConfigStore } from './store.ts';

const idField = z.string().describe('Configuration id, [a-z0-9_-]{1,64}');

const inputs = {
  register: z.looseObject({
    id: idField,
    name: z.string(),
    description: z.string().default(''),
    schema: z.record(z.string(), z.unknown()).describe('JSON Schema of the value'),
    initial_value: z.unknown().optional(),
    metadata: z.unknown().optional(),
  }),
  set: z.looseObject({ id: idField, value: z.unknown() }),
  get: z.looseObject({ id: idField, raw: z.boolean().default(false) }),
  list: z.looseObject({}),
  schema: z.looseObject({ id: idField }),
};

function describeEntry(e: ConfigEntry): Record<string, unknown> {
  return {
    id: e.id,
    name: e.name,
    description: e.description,
    schema: e.schema ?? null,
    ...(e.metadata !== undefined ? { metadata: e.metadata } : {}),
  };
}

export function configurationFunctions(store: ConfigStore): LocalFunction[] {
  return [
    defineFunction({
      id: 'configuration::register',
      description: 'Register (or refresh) a configuration entry and its JSON Schema; initial_value seeds the value',
      input: inputs.register,
      handler: (req) => {
        const initial = req.initial_value === null ? undefined : req.initial_value;
        const entry = store.register({ ...req, initial_value: initial });
        return { ...describeEntry(entry), value: entry.value ?? null };
      },
    }),
    defineFunction({
      id: 'configuration::set',
      description: 'Replace the value of a registered configuration entry (validated against its schema)',
      input: inputs.set,
      handler: (req) => store.set(req.id, req.value),
    }),
    defineFunction({
      id: 'configuration::get',
      description: 'Read a configuration value, ${VAR:default} expanded unless raw',
      input: inputs.get,
      handler: (req) => store.get(req.id, req.raw),
    }),
    defineFunction({
      id: 'configuration::list',
      description: 'List configuration entries (without values), sorted by id',
      input: inputs.list,
      handler: () => ({ configurations: store.list().map(describeEntry) }),
    }),
    defineFunction({
      id: 'configuration::schema',
      description: 'The schema and description of one configuration entry',
      input: inputs.schema,
      handler: (req) => {
        const entry = store.entry(req.id);
        if (!entry) throw new EngineError('NOT_FOUND', `Configuration '${req.id}' not found`);
        return describeEntry(entry);
      },
    }),
  ];
}

/** Register every function; returns one disposer for all. */
export function registerConfigurationFunctions(api: EngineApi, store: ConfigStore): () => void {
  const disposers = configurationFunctions(store).map((f) => api.registerFunction(f));
  return () => {
    for (const d of disposers) d();
  };
}
