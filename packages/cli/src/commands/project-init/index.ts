/** `iii project init [NAME]` (workers.md §18): scaffold a bare project (config.yaml, .gitignore, .iii/project.ini). */
import { existsSync, mkdirSync, writeFileSync } from 'node:fs';
import { basename, join, relative, resolve } from 'node:path';
import { flag, type OptionSpec, parseArgs, str } from '../../args.ts';
import { CliError } from '../../output/cli-error.ts';
import { type CommandContext, registerCommand } from '../../registry.ts';
import { isEffectivelyEmpty, SCAFFOLD_OPTIONS, stableId } from '../fs-util.ts';
import { BARE_CONFIG, GITIGNORE } from './templates.ts';

const options: OptionSpec[] = [...SCAFFOLD_OPTIONS];

registerCommand({
  path: ['project', 'init'],
  summary: 'Create a new iii project (config.yaml, .gitignore)',
  usage: 'iii project init [NAME] [-d <DIR>] [--allow-non-empty]',
  options,
  details: 'The project name is the directory basename. Re-running in an initialized project keeps its project_id.',
  run,
});

async function run(ctx: CommandContext): Promise<void> {
  const args = parseArgs(ctx.argv, options);
  if (args.positionals.length > 1) throw new CliError('E_CLI_BAD_ARGS', `expected at most one NAME, got ${args.positionals.join(' ')}`);
  const target = str(args, 'directory') ?? args.positionals[0];
  const dir = resolve(ctx.cwd, target ?? '.');
  const name = basename(dir);
  const ini = join(dir, '.iii', 'project.ini');
  if (!isEffectivelyEmpty(dir) && !existsSync(ini) && !flag(args, 'allow-non-empty'))
    throw new CliError('E_CLI_DIR_NOT_EMPTY', `${dir} is not empty`, 'pick another directory, or pass --allow-non-empty');
  mkdirSync(join(dir, '.iii'), { recursive: true });
  const projectId = stableId(ini, 'project_id');
  const deviceId = stableId(ini, 'device_id');
  writeIfAbsent(join(dir, 'config.yaml'), BARE_CONFIG);
  writeIfAbsent(join(dir, '.gitignore'), GITIGNORE);
  writeFileSync(ini, `[project]\nproject_id=${projectId}\nname=${name}\nsource=init\ndevice_id=${deviceId}\n`);
  const steps = [
    ...(target !== undefined ? [`cd ${relative(ctx.cwd, dir) || '.'}`] : []),
    'iii worker add <worker>   # e.g. http, state',
    'iii',
  ];
  ctx.io.err(
    `✓ iii project '${name}' initialized at ${dir}\n\nNext steps:\n${steps.map((s) => `  ${s}`).join('\n')}\n\nDocs: https://iii.dev/docs/quickstart\n`,
  );
}

/** Re-init never overwrites what the user may have edited. */
function writeIfAbsent(file: string, content: string): void {
  if (!existsSync(file)) writeFileSync(file, content);
}
