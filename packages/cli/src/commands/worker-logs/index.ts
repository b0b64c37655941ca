/** `iii worker logs <NAME> [-f]` (workers.md §19.5): print a local worker's stderr then stdout log. */
import { closeSync, existsSync, openSync, readFileSync, readSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { flag, type OptionSpec, parseArgs } from '../../args.ts';
import { CliError } from '../../output/cli-error.ts';
import { projectPaths } from '../../project/paths.ts';
import { type CommandContext, registerCommand } from '../../registry.ts';

const options: OptionSpec[] = [{ name: 'follow', short: 'f', type: 'boolean', description: 'Keep printing new lines until Ctrl-C' }];

registerCommand({
  path: ['worker', 'logs'],
  summary: "Print a local worker's logs (stderr.log, then stdout.log)",
  usage: 'iii worker logs <NAME> [-f]',
  options,
  details: 'Logs live in <project>/.iii/logs/<name>/{stdout,stderr}.log, written by `iii` while it runs the worker.',
  run,
});

async function run(ctx: CommandContext): Promise<void> {
  const args = parseArgs(ctx.argv, options);
  const [name, extra] = args.positionals;
  if (name === undefined || extra !== undefined)
    throw new CliError('E_CLI_BAD_ARGS', 'expected exactly one worker name', 'e.g. iii worker logs link -f');
  const dir = projectPaths(ctx.configPath).logs(name);
  const files = ['stderr.log', 'stdout.log'].map((f) => join(dir, f));
  if (!files.some((f) => existsSync(f)))
    throw new CliError('E_CLI_NO_LOGS', `no logs for '${name}' in ${dir}`, 'logs appear once `iii` has started the worker');
  const offsets = files.map((f) => {
    if (!existsSync(f)) return 0;
    const text = readFileSync(f, 'utf8');
    ctx.io.out(text);
    return Buffer.byteLength(text);
  });
  if (flag(args, 'follow')) await follow(ctx, files, offsets);
}

/** Poll-based tail: portable, and log files are small and local. Ends on SIGINT/SIGTERM. */
function follow(ctx: CommandContext, files: string[], offsets: number[]): Promise<void> {
  return new Promise((resolve) => {
    const readNew = (i: number): void => {
      const file = files[i] as string;
      if (!existsSync(file)) return;
      const size = statSync(file).size;
      let from = offsets[i] ?? 0;
      if (size < from) from = 0; // truncated by a restart of `iii`
      if (size === from) return;
      const buf = Buffer.alloc(size - from);
      const fd = openSync(file, 'r');
      try {
        readSync(fd, buf, 0, buf.length, from);
      } finally {
        closeSync(fd);
      }
      offsets[i] = size;
      ctx.io.out(buf.toString('utf8'));
    };
    // Compare sizes against what was printed (not stat-change events, which can miss a write made
    // before their baseline): nothing is lost or printed twice.
    const timer = setInterval(() => {
      for (let i = 0; i < files.length; i++) readNew(i);
    }, 250);
    const stop = (): void => {
      clearInterval(timer);
      resolve();
    };
    process.once('SIGINT', stop);
    process.once('SIGTERM', stop);
  });
}
