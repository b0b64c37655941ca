/**
 * `iii worker add <NAME|PATH>...` (workers.md §19.1). Built-ins come from the engine itself (bare
 * entry, nothing downloaded); local paths append `name` + `worker_path` as typed (relative to the
 * project). iii.lock is rewritten to list every worker. A running `iii` sees the config.yaml change and
 * starts the worker; `add` then waits for it to connect, or reports why it failed.
 */
import { BUILTINS } from '../../project/catalog.ts';
import { registerCommand } from '../../registry.ts';
import { options } from './options.ts';

registerCommand({
  path: ['worker', 'add'],
  summary: 'Add a built-in worker or a local worker folder to config.yaml',
  usage: 'iii worker add <NAME|./PATH>... [--force]',
  options,
  details: `Built-ins (from the engine, nothing to download): ${[...BUILTINS].join(', ')}.
Local workers: a folder with an iii.worker.yaml (see \`iii worker init\`), e.g. iii worker add ./link.`,
  // The implementation (and its YAML/engine imports) loads only when this command runs.
  run: async (ctx) => (await import('./run.ts')).run(ctx),
});
