/**
 * argv → command → run, with global options (`-c`, `--version`, `--help`) handled here. Pure of
 * process state except what it is handed, so tests can run the whole CLI in-process.
 */
import { isAbsolute, resolve } from 'node:path';
import './commands/index.ts';
import { CliError, toCliError } from './output/cli-error.ts';
import { renderGroupHelp, renderHelp } from './output/help.ts';
import type { CliIO } from './output/io.ts';
import { formatError } from './output/render.ts';
import { type Command, commandsUnder, listCommands, resolveCommand } from './registry.ts';
import { VERSION_LINE } from './version.ts';

export interface RunOptions {
  io: CliIO;
  cwd: string;
  env: NodeJS.ProcessEnv;
}

interface Globals {
  config?: string;
  version: boolean;
  help: boolean;
  rest: string[];
}

/** `-v`/`-h` are read before the command words; `-c` anywhere (see extractConfig). */
function readGlobals(argv: readonly string[]): Globals {
  const { config, rest } = extractConfig(argv);
  const g: Globals = { version: false, help: false, rest: [], ...(config !== undefined ? { config } : {}) };
  let i = 0;
  for (; i < rest.length; i++) {
    const t = rest[i] ?? '';
    if (t === '-v' || t === '--version' || t === '-V') g.version = true;
    else if (t === '-h' || t === '--help') g.help = true;
    else if (t !== '--no-update-check') break;
  }
  g.rest = rest.slice(i);
  return g;
}

/**
 * `-c/--config <path>` is global: accepted before the command (`iii -c x worker add …`) and after it
 * (`iii --log-level debug -c x`), but not after `--`.
 */
function extractConfig(argv: readonly string[]): { config?: string; rest: string[] } {
  let config: string | undefined;
  const rest: string[] = [];
  const end = argv.includes('--') ? argv.indexOf('--') : argv.length;
  for (let i = 0; i < argv.length; i++) {
    const t = argv[i] as string;
    if (i < end && (t === '-c' || t === '--config')) {
      config = argv[++i];
      if (config === undefined || config.startsWith('-'))
        throw new CliError('E_CLI_BAD_ARGS', `${t} needs a path`, 'e.g. iii -c ./config.yaml');
    } else if (i < end && t.startsWith('--config=')) config = t.slice('--config='.length);
    else rest.push(t);
  }
  return { ...(config !== undefined ? { config } : {}), rest };
}

/** Returns the exit code. */
export async function runCli(argv: readonly string[], opts: RunOptions): Promise<number> {
  try {
    return await dispatch(argv, opts);
  } catch (err) {
    opts.io.err(formatError(toCliError(err)));
    return 1;
  }
}

async function dispatch(argv: readonly string[], opts: RunOptions): Promise<number> {
  const g = readGlobals(argv);
  if (g.version) {
    opts.io.out(`${VERSION_LINE}\n`);
    return 0;
  }
  if (g.rest[0] === 'help') return printHelp(g.rest.slice(1), opts.io);
  const words = g.rest;
  const found = resolveCommand(words);
  const group = words[0] !== undefined && !words[0].startsWith('-') ? commandsUnder([words[0]]) : [];
  if ((!found || found.used === 0) && group.length > 0) {
    const asksHelp = words.length === 1 || words[1] === '--help' || words[1] === '-h';
    if (!asksHelp)
      throw new CliError('E_CLI_BAD_ARGS', `unknown command \`iii ${words[0]} ${words[1]}\``, `see \`iii ${words[0]} --help\``);
    opts.io.out(renderGroupHelp(words[0] as string, group));
    return 0;
  }
  if (!found) return printHelp([], opts.io);
  const rest = words.slice(found.used);
  const helpFlag = rest.slice(0, rest.includes('--') ? rest.indexOf('--') : undefined).some((t) => t === '--help' || t === '-h');
  if (g.help || (helpFlag && !found.command.handlesHelp)) return printHelp(found.command.path as string[], opts.io);
  const env = { ...opts.env };
  const configPath = configPathFor(g.config, opts.cwd, env);
  // `iii -c file worker …` hands the absolute path down, as the reference does.
  if (g.config !== undefined) env.III_CONFIG_PATH = configPath;
  await found.command.run({ argv: rest, io: opts.io, cwd: opts.cwd, env, configPath });
  return 0;
}

function configPathFor(flagValue: string | undefined, cwd: string, env: NodeJS.ProcessEnv): string {
  const raw = flagValue ?? env.III_CONFIG_PATH ?? 'config.yaml';
  return isAbsolute(raw) ? raw : resolve(cwd, raw);
}

function printHelp(words: readonly string[], io: CliIO): number {
  const found = words.length > 0 ? resolveCommand(words) : undefined;
  if (found && found.used === words.length) {
    io.out(renderHelp(found.command));
    return 0;
  }
  if (words[0] !== undefined && commandsUnder([words[0]]).length > 0) {
    io.out(renderGroupHelp(words[0], commandsUnder([words[0]])));
    return 0;
  }
  io.out(topHelp(listCommands()));
  return words.length === 0 ? 0 : 1;
}

function topHelp(commands: readonly Command[]): string {
  const named = commands.filter((c) => c.path.length > 0);
  const width = Math.max(...named.map((c) => c.path.join(' ').length));
  const lines = named.map((c) => `  ${c.path.join(' ').padEnd(width)}  ${c.summary}`);
  return `${VERSION_LINE}
Run the iii engine for the project in this folder, or manage it.

Usage: iii [-c <config.yaml>] [COMMAND]

With no command, starts the engine from ./config.yaml (or -c <path>) and runs its local workers.

Commands:
${lines.join('\n')}

Options:
  -c, --config <path>  config.yaml to use [default: ./config.yaml]
  -v, --version        Print the version
  -h, --help           Print help (also: iii help <command>)
`;
}
