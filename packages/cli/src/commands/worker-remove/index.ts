/** `iii worker remove <NAME>... -y` (workers.md §19.4): drop entries from config.yaml and iii.lock. */
import { registerCommand } from '../../registry.ts';
import { options } from './options.ts';

registerCommand({
  path: ['worker', 'remove'],
  summary: 'Remove workers from config.yaml and iii.lock (a running iii stops them)',
  usage: 'iii worker remove <NAME>... [-y]',
  options,
  // The implementation (and its YAML/engine imports) loads only when this command runs.
  run: async (ctx) => (await import('./run.ts')).run(ctx),
});
