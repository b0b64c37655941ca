/** `config/pubsub.yaml` (id `pubsub`): which adapter carries published messages. */
import { type Schema, s } from '../../core/config/schema.ts';

export interface PubSubConfig {
  adapter: { name: 'local' | 'redis'; config?: { redis_url?: string; key_prefix?: string } | undefined };
}

/** @default `{ adapter: { name: 'local' } }` */
export const pubsubConfigSchema: Schema<PubSubConfig> = s.object({
  adapter: s
    .object({
      name: s.enum(['local', 'redis'] as const).default('local'),
      config: s
        .object({
          redis_url: s.string().optional(),
          /** Triad: prepended to every Redis channel (the topic), so several apps or test runs share one Redis. */
          key_prefix: s.string().optional(),
        })
        .optional(),
    })
    .default({ name: 'local', config: undefined }),
});

/** Binding config of a `subscribe` trigger. `condition_function_id` is accepted but never evaluated (reference behaviour). */
export const subscribeConfigSchema = s.looseObject({
  topic: s.string().optional(),
  condition_function_id: s.string().optional(),
});

/** Input of the `publish` function. */
export const publishInputSchema = s.looseObject({
  topic: s.string().optional(),
  data: s.any().optional(),
});
