/** The `configuration` worker's own config: stays in config.yaml and is read every boot (workers.md §9.3). */
import { z } from 'zod';
import type { Schema } from '../../core/config/schema.ts';

export const DEFAULT_DIRECTORY = './config';

export interface BridgeSettings {
  bridge_url?: string | undefined;
  bridge_secret?: string | undefined;
  bridge_timeout_ms?: number | undefined;
  id_prefix?: string | undefined;
  prime_timeout_ms?: number | undefined;
}

export interface ConfigurationConfig {
  adapter: { name: 'fs' | 'bridge'; config: { directory: string } & BridgeSettings };
  ttl_seconds: number;
  watch_debounce_ms: number;
}

export const configurationConfigSchema: Schema<ConfigurationConfig> = z.strictObject({
  adapter: z
    .strictObject({
      name: z
        .enum(['fs', 'bridge'] as const)
        .default('fs')
        .describe('Storage adapter: fs (files) or bridge (another engine)'),
      config: z
        .strictObject({
          directory: z.string().min(1).default(DEFAULT_DIRECTORY).describe('fs: relative to the project directory'),
          bridge_url: z.string().min(1).optional().describe("bridge: the backend engine's worker address (required for bridge)"),
          bridge_secret: z.string().min(1).optional().describe("bridge: the backend listener's secret (default env III_ENGINE_SECRET)"),
          bridge_timeout_ms: z.int().min(1).max(3_600_000).optional().describe('bridge: per remote call (default 30000)'),
          id_prefix: z
            .string()
            .regex(/^[a-z0-9_-]{0,32}$/)
            .optional()
            .describe('bridge: entries are kept on the backend as <id_prefix><id> (default: shared ids)'),
          prime_timeout_ms: z.int().min(0).max(600_000).optional().describe('bridge: how long boot waits for the backend (default 10000)'),
        })
        .default(() => ({ directory: DEFAULT_DIRECTORY })),
    })
    .default(() => ({ name: 'fs' as const, config: { directory: DEFAULT_DIRECTORY } })),
  ttl_seconds: z.int().min(0).default(0).describe('Delete an entry this long after its last configuration trigger goes away (0 = never)'),
  watch_debounce_ms: z.int().min(10).max(10_000).default(300).describe('Quiet time before a file edit is applied'),
});
