/** `iii worker remove <NAME>... -y` (workers.md §19.4): drop entries from config.yaml and iii.lock. */
import { createInterface } from 'node:readline/promises';
import { flag, parseArgs } from '../../args.ts';
import { CliError } from '../../output/cli-error.ts';
import { readEntries, removeEntry } from '../../project/config-file.ts';
import { projectPaths } from '../../project/paths.ts';
import { readConfigText, syncLock, writeConfigText } from '../../project/project-files.ts';
import type { CommandContext } from '../../registry.ts';
import { options } from './options.ts';

export async function run(ctx: CommandContext): Promise<void> {
  const args = parseArgs(ctx.argv, options);
  const names = args.positionals;
  if (names.length === 0) throw new CliError('E_CLI_BAD_ARGS', 'missing worker name', 'e.g. iii worker remove link -y');
  const paths = projectPaths(ctx.configPath);
  let text = readConfigText(paths);
  const known = new Set(readEntries(text, paths.config).map((e) => e.name));
  const missing = names.filter((n) => !known.has(n));
  if (missing.length > 0) throw new CliError('E_CLI_UNKNOWN_WORKER', `not in config.yaml: ${missing.join(', ')}`, 'see `iii worker list`');
  if (!flag(args, 'yes') && !(await confirm(`Remove worker(s) '${names.join("', '")}'? [y/N] `)))
    throw new CliError('E_CLI_BAD_ARGS', 'remove is destructive; pass -y/--yes for non-interactive use');
  for (const name of names) text = removeEntry(text, name);
  if (readEntries(text, paths.config).some((e) => names.includes(e.name)))
    throw new CliError(
      'E_CLI_CONFIG_EDIT',
      `could not remove ${names.join(', ')} from ${paths.config} (unusual layout?)`,
      'edit the file by hand',
    );
  writeConfigText(paths, text);
  syncLock(paths, text);
  for (const name of names) ctx.io.err(`✓ Worker ${name} removed from config.yaml\n`);
}

/** Asks only on a terminal; otherwise answers no. */
async function confirm(question: string): Promise<boolean> {
  if (!process.stdin.isTTY || !process.stderr.isTTY) return false;
  const rl = createInterface({ input: process.stdin, output: process.stderr });
  try {
    return /^y(es)?$/i.test((await rl.question(question)).trim());
  } finally {
    rl.close();
  }
}
