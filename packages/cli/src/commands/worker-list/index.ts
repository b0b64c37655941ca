/** `iii worker list` (workers.md §19.3): config.yaml entries merged with what the engine reports. */
import { registerCommand } from '../../registry.ts';
import { options } from './options.ts';

registerCommand({
  path: ['worker', 'list'],
  summary: 'List the workers in config.yaml and their status',
  usage: 'iii worker list',
  options,
  // The implementation (and its YAML/engine imports) loads only when this command runs.
  run: async (ctx) => (await import('./run.ts')).run(ctx),
});
