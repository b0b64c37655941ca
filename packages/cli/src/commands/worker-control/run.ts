/**
 * `iii worker start|stop|restart|status <name>` (workers.md §19.5): ask the `iii` running this project
 * (found through `.iii/engine.json`) to act on one of its local workers, through the control functions
 * it registers on its engine (`iii::worker::*`). Checked here first, with nothing written: the name must
 * be a local worker of config.yaml, and an `iii` must be running.
 */
import { flag, intOption, parseArgs } from '../../args.ts';
import { resolveTarget, withEngine } from '../../engine-client.ts';
import { CliError } from '../../output/cli-error.ts';
import { formatTable } from '../../output/render.ts';
import { readEntries } from '../../project/config-file.ts';
import { projectPaths } from '../../project/paths.ts';
import { readConfigText } from '../../project/project-files.ts';
import { readRuntime } from '../../project/runtime-file.ts';
import type { CommandContext } from '../../registry.ts';
import { options, type Verb } from './options.ts';
import { callControl, failureHint, failureMessage, type WorkerStatus } from './status.ts';
import { waitForWorker } from './wait.ts';

export async function run(verb: Verb, ctx: CommandContext): Promise<void> {
  const args = parseArgs(ctx.argv, options(verb));
  const [name, extra] = args.positionals;
  if (name === undefined) throw new CliError('E_CLI_BAD_ARGS', 'missing worker name', `e.g. iii worker ${verb} link`);
  if (extra !== undefined) throw new CliError('E_CLI_BAD_ARGS', `one worker at a time (got \`${extra}\` too)`);
  const paths = projectPaths(ctx.configPath);
  const entries = readEntries(readConfigText(paths), paths.config);
  const entry = entries.find((e) => e.name === name);
  const locals = entries.filter((e) => e.worker_path !== undefined).map((e) => e.name);
  if (!entry)
    throw new CliError('E_CLI_UNKNOWN_WORKER', `'${name}' is not in ${paths.config}`, `local workers: ${locals.join(', ') || 'none'}`);
  if (entry.worker_path === undefined)
    throw new CliError(
      'E_CLI_NOT_SUPERVISED',
      `'${name}' runs inside the engine; \`iii worker ${verb}\` acts on local workers (config.yaml entries with worker_path)`,
      `local workers: ${locals.join(', ') || 'none'}; built-ins follow config.yaml (iii worker add / remove)`,
    );
  const running = readRuntime(paths.runtime);
  if (!running)
    throw new CliError(
      'E_CLI_NOT_RUNNING',
      `no \`iii\` is running this project (${paths.config})`,
      'start it with `iii` in the project folder',
    );
  const waitMs = intOption(args, 'wait-timeout-ms', 120_000);
  const wait = (verb === 'start' || verb === 'restart') && !flag(args, 'no-wait');
  await withEngine(resolveTarget({ url: running.worker_url, env: ctx.env }), 10_000, async (client) => {
    const status = await callControl(client, verb, name);
    if (verb === 'status') return report(ctx, status);
    if (verb === 'stop') return ctx.io.err(`✓ ${name} stopped (\`iii worker start ${name}\` starts it again)\n`);
    if (!wait) return ctx.io.err(`${name}: ${verb === 'start' ? 'starting' : 'restarting'} (--no-wait: not waiting for it)\n`);
    const ready = await waitForWorker(client, name, waitMs, ctx.io);
    if (!ready) ctx.io.err(`${name} is still starting; see \`iii worker status ${name}\` and \`iii worker logs ${name}\`.\n`);
  });
}

/** The status as a two-column block on stdout; exit 1 (E_CLI_WORKER_NOT_READY) unless running, so it can be a probe. */
function report(ctx: CommandContext, s: WorkerStatus): void {
  const rows: string[][] = [
    ['status', `${s.status}${s.held ? ' (iii worker stop)' : ''}`],
    ['pid', s.pid === null ? '-' : String(s.pid)],
    ['connected', s.connected ? 'yes' : 'no'],
    ['since', s.since],
    ['restarts', String(s.restarts)],
    ['path', s.worker_path],
  ];
  if (s.error) rows.push(['error', s.error.message], ...(s.error.line ? [['', s.error.line]] : []));
  if (s.last_line) rows.push(['last line', s.last_line]);
  ctx.io.out(formatTable(['worker', s.name], rows));
  if (s.status === 'running') return;
  if (s.status === 'failed') throw new CliError('E_CLI_WORKER_NOT_READY', failureMessage(s), failureHint(s));
  throw new CliError('E_CLI_WORKER_NOT_READY', `${s.name} is ${s.status}`, `see \`iii worker logs ${s.name}\``);
}
