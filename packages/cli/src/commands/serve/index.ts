/**
 * `iii` with no command (workers.md §16): start the engine for ./config.yaml (or `-c`), run the
 * project's local workers under supervision, print where to look, stop everything on Ctrl-C/SIGTERM.
 */
import type { OptionSpec } from '../../args.ts';
import { registerCommand } from '../../registry.ts';

export const options: OptionSpec[] = [
  { name: 'log-level', type: 'string', value: '<level>', description: 'debug, info, warn, error or silent', defaultText: 'info' },
];

registerCommand({
  path: [],
  summary: 'Start the engine and the local workers of this project',
  usage: 'iii [-c <config.yaml>] [--log-level <level>]',
  options,
  details: `Local workers (entries with worker_path, added by \`iii worker add ./dir\`) run as child processes:
scripts.install once when their dependencies are missing, then scripts.start with III_URL set.
Their output is prefixed with the worker name and kept in .iii/logs/<name>/ (see \`iii worker logs\`).
A crashed worker restarts with backoff (1 s doubling to 30 s). Ctrl-C stops everything.`,
  // The implementation (and its YAML/engine imports) loads only when this command runs.
  run: async (ctx) => (await import('./run.ts')).run(ctx),
});
