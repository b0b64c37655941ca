/** The `configuration` worker's own config: stays in config.yaml and is read every boot (workers.md §9.3). */
import { type Schema, s } from '../../core/config/schema.ts';

export const DEFAULT_DIRECTORY = './config';

export interface ConfigurationConfig {
  adapter: { name: 'fs'; config: { directory: string } };
  ttl_seconds: number;
  watch_debounce_ms: number;
}

export const configurationConfigSchema: Schema<ConfigurationConfig> = s.object({
  adapter: s
    .object({
      name: s.enum(['fs']).default('fs').describe('Storage adapter (only fs in Triad)'),
      config: s
        .object({ directory: s.string().nonEmpty().default(DEFAULT_DIRECTORY).describe('Relative to the project directory') })
        .default({ directory: DEFAULT_DIRECTORY }),
    })
    .default({ name: 'fs', config: { directory: DEFAULT_DIRECTORY } }),
  ttl_seconds: s
    .integer()
    .min(0)
    .default(0)
    .describe('Delete an entry this long after its last configuration trigger goes away (0 = never)'),
  watch_debounce_ms: s.integer().min(10).max(10_000).default(300).describe('Quiet time before a file edit is applied'),
});
