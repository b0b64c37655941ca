/**
 * `@triad/cli/internal`: the narrow door for this repo's benches, which drive the local-worker
 * supervisor without a whole `iii` process. Not a stable API: use `@triad/cli` (index.ts).
 */
export { Supervisor } from './commands/serve/supervisor.ts';
export type { CliIO } from './output/io.ts';
export { projectPaths } from './project/paths.ts';
