/** Public surface of @triad/cli (used by tests and scripts). */
export { type RunOptions, runCli } from './cli.ts';
export { buildPayload } from './commands/trigger/payload.ts';
export { CliError } from './output/cli-error.ts';
export { VERSION_LINE } from './version.ts';
