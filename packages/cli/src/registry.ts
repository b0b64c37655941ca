/**
 * The command registry. Each command file calls `registerCommand(...)` when imported
 * (commands/index.ts imports them all); main.ts only resolves argv to a command and runs it.
 */
import type { OptionSpec } from './args.ts';
import type { CliIO } from './output/io.ts';

export interface CommandContext {
  /** Arguments after the command path (`iii worker add ./link` → `['./link']`). */
  argv: string[];
  io: CliIO;
  cwd: string;
  env: NodeJS.ProcessEnv;
  /** Absolute config.yaml path (from `-c`, `III_CONFIG_PATH`, or `<cwd>/config.yaml`). */
  configPath: string;
}

export interface Command {
  /** Words after `iii`, e.g. `['worker', 'add']`; `[]` is the engine itself. */
  path: readonly string[];
  aliases?: readonly (readonly string[])[];
  /** One line for command lists. */
  summary: string;
  /** Usage line without the leading `Usage: `. */
  usage: string;
  options: readonly OptionSpec[];
  /** Extra help text (notes, examples). */
  details?: string;
  /** The command reads `--help` itself (trigger: function help); otherwise the CLI prints `renderHelp`. */
  handlesHelp?: boolean;
  run(ctx: CommandContext): Promise<void>;
}

const commands: Command[] = [];

export function registerCommand(command: Command): Command {
  commands.push(command);
  return command;
}

export function listCommands(): readonly Command[] {
  return commands;
}

/** The command whose path (or alias) is the longest prefix of `words`, and how many words it used. */
export function resolveCommand(words: readonly string[]): { command: Command; used: number } | undefined {
  let best: { command: Command; used: number } | undefined;
  for (const command of commands) {
    for (const path of [command.path, ...(command.aliases ?? [])]) {
      const matches = path.every((w, i) => words[i] === w);
      if (matches && (!best || path.length > best.used)) best = { command, used: path.length };
    }
  }
  return best;
}

/** Commands under a group word (`worker` → worker add, worker init, …). */
export function commandsUnder(prefix: readonly string[]): Command[] {
  return commands.filter((c) => c.path.length > prefix.length && prefix.every((w, i) => c.path[i] === w));
}
