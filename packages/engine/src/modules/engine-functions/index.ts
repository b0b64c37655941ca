/**
 * `iii-engine-functions` (mandatory): `engine::functions|triggers|registered-triggers|workers::*`,
 * `engine::channels::create`, `engine::register_trigger` / `engine::unregister_trigger`, and the
 * `engine::functions-available` / `engine::workers-available` trigger types (protocol.md §5.1).
 */
import { z } from 'zod';
import { EngineError } from '../../core/errors/index.ts';
import { defineFunction } from '../define-function.ts';
import type { EngineModule } from '../module.ts';
import { registerAvailabilityTriggers } from './availability.ts';
import { registerListings } from './listings.ts';

const empty = z.strictObject({});

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

    // A buffer_size that is not a number is ignored (the default is used), as before input parsing existed.
    const channelInput = z.looseObject({ buffer_size: z.unknown().optional().meta({ type: 'integer', minimum: 1, maximum: 1024 }) });
    ctx.engine.registerFunction(
      defineFunction({
        id: 'engine::channels::create',
        description: 'Create a streaming channel; returns a writer and a reader ref',
        input: channelInput,
        handler: ({ buffer_size }) => {
          const ch = ctx.engine.channels.create(typeof buffer_size === 'number' ? buffer_size : undefined);
          return { writer: ch.writerRef, reader: ch.readerRef };
        },
      }),
    );

    const registerInput = z.looseObject({
      trigger_type: z.string().min(1),
      function_id: z.string().min(1),
      config: z.unknown().optional(),
      metadata: z.unknown().optional(),
    });
    ctx.engine.registerFunction(
      defineFunction({
        id: 'engine::register_trigger',
        description: 'Register an engine-owned trigger (survives worker disconnects)',
        input: registerInput,
        handler: async (q) => {
          const id = await intro.registerTrigger({
            trigger_type: q.trigger_type,
            function_id: q.function_id,
            config: q.config ?? null,
            ...(q.metadata !== undefined ? { metadata: q.metadata } : {}),
          });
          return { id };
        },
      }),
    );
    const unregisterInput = z.looseObject({ id: z.string().min(1), trigger_type: z.string().optional() });
    ctx.engine.registerFunction(
      defineFunction({
        id: 'engine::unregister_trigger',
        description: 'Unregister a trigger by id',
        input: unregisterInput,
        handler: async (q) => ({ removed: await intro.unregisterTrigger(q.id) }),
      }),
    );
    return { stop: stopAvailability };
  },
};
