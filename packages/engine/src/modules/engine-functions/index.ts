/**
 * `iii-engine-functions` (mandatory): `engine::functions|triggers|registered-triggers|workers::*`,
 * `engine::channels::create`, `engine::register_trigger` / `engine::unregister_trigger`, and the
 * `engine::functions-available` / `engine::workers-available` trigger types (protocol.md §5.1).
 */
import { s } from '../../core/config/schema.ts';
import { EngineError } from '../../core/errors/index.ts';
import { parseInput } from '../../core/input.ts';
import type { EngineModule } from '../module.ts';
import { registerAvailabilityTriggers } from './availability.ts';
import { registerListings } from './listings.ts';

const empty = s.object({});

export const engineFunctionsModule: EngineModule<Record<string, never>> = {
  name: 'iii-engine-functions',
  displayName: 'Engine functions',
  description: 'introspection of functions, triggers and workers; channels; engine::register_trigger',
  mandatory: true,
  configSchema: empty as never,
  create(ctx) {
    const intro = ctx.engine.services.get('introspection');
    if (!intro) throw new EngineError('E_INTERNAL', 'introspection service missing');
    registerListings(ctx, intro);
    const stopAvailability = registerAvailabilityTriggers(ctx, intro);

    ctx.engine.registerFunction({
      id: 'engine::channels::create',
      description: 'Create a streaming channel; returns a writer and a reader ref',
      request_format: { type: 'object', properties: { buffer_size: { type: 'integer', minimum: 1, maximum: 1024 } } },
      handler: (input) => {
        const size = typeof input === 'object' && input !== null ? (input as { buffer_size?: unknown }).buffer_size : undefined;
        const ch = ctx.engine.channels.create(typeof size === 'number' ? size : undefined);
        return { writer: ch.writerRef, reader: ch.readerRef };
      },
    });

    const registerInput = s.looseObject({
      trigger_type: s.string().nonEmpty(),
      function_id: s.string().nonEmpty(),
      config: s.any().optional(),
      metadata: s.any().optional(),
    });
    ctx.engine.registerFunction({
      id: 'engine::register_trigger',
      description: 'Register an engine-owned trigger (survives worker disconnects)',
      request_format: registerInput.toJSONSchema(),
      handler: async (input) => {
        const q = parseInput(registerInput, input, 'engine::register_trigger');
        const id = await intro.registerTrigger({
          trigger_type: q.trigger_type,
          function_id: q.function_id,
          config: q.config ?? null,
          ...(q.metadata !== undefined ? { metadata: q.metadata } : {}),
        });
        return { id };
      },
    });
    const unregisterInput = s.looseObject({ id: s.string().nonEmpty(), trigger_type: s.string().optional() });
    ctx.engine.registerFunction({
      id: 'engine::unregister_trigger',
      description: 'Unregister a trigger by id',
      request_format: unregisterInput.toJSONSchema(),
      handler: async (input) => {
        return { removed: await intro.unregisterTrigger(parseInput(unregisterInput, input, 'engine::unregister_trigger').id) };
      },
    });
    return { stop: stopAvailability };
  },
};
