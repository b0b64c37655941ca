/**
 * `iii` with no command (workers.md §16): start the engine for ./config.yaml (or `-c`), run the
 * project's local workers under supervision, print where to look, stop everything on Ctrl-C/SIGTERM.
 */
import { registerCommand } from '../../registry.ts';
import { options } from './options.ts';

registerCommand({
  path: [],
  summary: 'Start the engine and the local workers of this project',
  usage: 'iii [-c <config.yaml>] [--log-level <level>] [--log-format text|json]',
  options,
  details: `Local workers (entries with worker_path, added by \`iii worker add ./dir\`) run as child processes:
scripts.install once when their dependencies are missing, then scripts.start with III_URL set.
Their output is prefixed with the worker name and kept in .iii/logs/<name>/ (see \`iii worker logs\`).
A crashed worker restarts with backoff (1 s doubling to 30 s). Ctrl-C stops everything.`,
  // The implementation (and its YAML/engine imports) loads only when this command runs.
  run: async (ctx) => (await import('./run.ts')).run(ctx),
});
