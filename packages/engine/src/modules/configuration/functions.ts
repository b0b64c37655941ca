/** `configuration::register|set|get|list|schema` (workers.md §9.1). Inputs are checked with `s`. */

import { s } from '../../core/config/schema.ts';
import { EngineError } from '../../core/errors/index.ts';
import { parseInput } from '../../core/input.ts';
import type { EngineApi, LocalFunction } from '../module.ts';
import type { ConfigEntry, ConfigStore } from './store.ts';

const idField = s.string().describe('Configuration id, [a-z0-9_-]{1,64}');

const inputs = {
  register: s.looseObject({
    id: idField,
    name: s.string(),
    description: s.string().default(''),
    schema: s.record(s.any()).describe('JSON Schema of the value'),
    initial_value: s.any().optional(),
    metadata: s.any().optional(),
  }),
  set: s.looseObject({ id: idField, value: s.any() }),
  get: s.looseObject({ id: idField, raw: s.boolean().default(false) }),
  list: s.looseObject({}),
  schema: s.looseObject({ id: idField }),
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
    {
      id: 'configuration::register',
      description: 'Register (or refresh) a configuration entry and its JSON Schema; initial_value seeds the value',
      request_format: inputs.register.toJSONSchema(),
      handler: (input) => {
        const req = parseInput(inputs.register, input, 'configuration::register');
        const initial = req.initial_value === null ? undefined : req.initial_value;
        const entry = store.register({ ...req, initial_value: initial });
        return { ...describeEntry(entry), value: entry.value ?? null };
      },
    },
    {
      id: 'configuration::set',
      description: 'Replace the value of a registered configuration entry (validated against its schema)',
      request_format: inputs.set.toJSONSchema(),
      handler: (input) => {
        const req = parseInput(inputs.set, input, 'configuration::set');
        return store.set(req.id, req.value);
      },
    },
    {
      id: 'configuration::get',
      description: 'Read a configuration value, ${VAR:default} expanded unless raw',
      request_format: inputs.get.toJSONSchema(),
      handler: (input) => {
        const req = parseInput(inputs.get, input, 'configuration::get');
        return store.get(req.id, req.raw);
      },
    },
    {
      id: 'configuration::list',
      description: 'List configuration entries (without values), sorted by id',
      request_format: inputs.list.toJSONSchema(),
      handler: (input) => {
        parseInput(inputs.list, input, 'configuration::list');
        return { configurations: store.list().map(describeEntry) };
      },
    },
    {
      id: 'configuration::schema',
      description: 'The schema and description of one configuration entry',
      request_format: inputs.schema.toJSONSchema(),
      handler: (input) => {
        const req = parseInput(inputs.schema, input, 'configuration::schema');
        const entry = store.entry(req.id);
        if (!entry) throw new EngineError('NOT_FOUND', `Configuration '${req.id}' not found`);
        return describeEntry(entry);
      },
    },
  ];
}

/** Register every function; returns one disposer for all. */
export function registerConfigurationFunctions(api: EngineApi, store: ConfigStore): () => void {
  const disposers = configurationFunctions(store).map((f) => api.registerFunction(f));
  return () => {
    for (const d of disposers) d();
  };
}
