/** `config/pubsub.yaml` (id `pubsub`): which adapter carries published messages. */
import { z } from 'zod';
import type { Schema } from '../../core/config/schema.ts';

export interface PubSubConfig {
  adapter: { name: 'local' | 'redis'; config?: { redis_url?: string; key_prefix?: string } | undefined };
}

/** @default `{ adapter: { name: 'local' } }` */
export const pubsubConfigSchema: Schema<PubSubConfig> = z.strictObject({
  adapter: z
    .strictObject({
      name: z.enum(['local', 'redis'] as const).default('local'),
      config: z
        .strictObject({
          redis_url: z.string().optional(),
          /** Triad: prepended to every Redis channel (the topic), so several apps or test runs share one Redis. */
          key_prefix: z.string().optional(),
        })
        .optional(),
    })
    .default({ name: 'local', config: undefined }),
});

/** Binding config of a `subscribe` trigger. `condition_function_id` is accepted but never evaluated (reference behaviour). */
export const subscribeConfigSchema = z.looseObject({
  topic: z.string().optional(),
  condition_function_id: z.string().optional(),
});

/** Input of the `publish` function. */
export const publishInputSchema = z.looseObject({
  topic: z.string().optional(),
  data: z.unknown().optional(),
});
