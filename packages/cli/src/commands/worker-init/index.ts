/** `iii worker init [NAME] --language typescript|javascript` (workers.md §19.2): scaffold a worker. */
import { existsSync, mkdirSync, writeFileSync } from 'node:fs';
import { basename, join, relative, resolve } from 'node:path';
import { flag, type OptionSpec, parseArgs, str } from '../../args.ts';
import { CliError } from '../../output/cli-error.ts';
import { type CommandContext, registerCommand } from '../../registry.ts';
import { isEffectivelyEmpty, SCAFFOLD_OPTIONS, stableId } from '../fs-util.ts';
import { type Language, scaffoldFiles } from './templates.ts';

const options: OptionSpec[] = [
  { name: 'language', short: 'l', type: 'string', value: '<LANG>', description: 'typescript|ts, javascript|js, python|py or rust|rs' },
  ...SCAFFOLD_OPTIONS,
];

registerCommand({
  path: ['worker', 'init'],
  summary: 'Scaffold a new worker (iii.worker.yaml, package file, src/)',
  usage: 'iii worker init [NAME] --language typescript|javascript|python|rust [-d <DIR>]',
  options,
  details:
    'Does not touch config.yaml: add the worker to the project with `iii worker add ./<dir>`.\nDependencies are installed by `iii` when it first starts the worker (scripts.install).',
  run,
});

const LANGS: Record<string, Language> = {
  typescript: 'typescript',
  ts: 'typescript',
  javascript: 'javascript',
  js: 'javascript',
  python: 'python',
  py: 'python',
  rust: 'rust',
  rs: 'rust',
};
/** The short id the reference writes to `.iii/worker.ini` and prints. */
const SHORT: Record<Language, string> = { typescript: 'ts', javascript: 'js', python: 'py', rust: 'rs' };
const NAME = /^[A-Za-z0-9_-][A-Za-z0-9._-]*$/;

async function run(ctx: CommandContext): Promise<void> {
  const args = parseArgs(ctx.argv, options);
  const langArg = str(args, 'language');
  if (langArg === undefined) throw new CliError('E_CLI_BAD_ARGS', 'no language selected', 'pass --language typescript (or javascript)');
  const lang = LANGS[langArg.toLowerCase()];
  if (!lang)
    throw new CliError(
      'E_CLI_BAD_ARGS',
      `unsupported language \`${langArg}\``,
      'pass typescript (ts), javascript (js), python (py) or rust (rs)',
    );
  const target = str(args, 'directory') ?? args.positionals[0];
  const dir = resolve(ctx.cwd, target ?? '.');
  const name = basename(dir);
  if (!NAME.test(name)) throw new CliError('E_CLI_BAD_ARGS', `worker name \`${name}\` must match [A-Za-z0-9._-] and not start with a dot`);
  const ini = join(dir, '.iii', 'worker.ini');
  const reinit = existsSync(ini);
  if (!reinit && !isEffectivelyEmpty(dir) && !flag(args, 'allow-non-empty'))
    throw new CliError('E_CLI_DIR_NOT_EMPTY', `${dir} is not empty`, 'pick another directory, or pass --allow-non-empty');
  const id = stableId(ini, 'worker_id');
  scaffold(dir, name, lang);
  writeFileSync(ini, `[worker]\nworker_id=${id}\nname=${name}\nsource=init\nlanguage=${SHORT[lang]}\n`);
  const rel = relative(ctx.cwd, dir) || '.';
  ctx.io.err(
    `✓ iii worker '${name}' (${SHORT[lang]}) scaffolded at ${dir}\n  id: ${id}\n\nNext steps:\n  iii worker add ./${rel.replace(/^\.\//, '')}\n  iii\n`,
  );
}

/** User-edited files survive a re-init: only missing files are written. */
function scaffold(dir: string, name: string, lang: Language): void {
  const files = scaffoldFiles(name, lang);
  mkdirSync(join(dir, 'src'), { recursive: true });
  mkdirSync(join(dir, '.iii'), { recursive: true });
  for (const [file, content] of Object.entries(files)) {
    const path = join(dir, file);
    if (!existsSync(path)) writeFileSync(path, content);
  }
}
