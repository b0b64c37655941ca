/**
 * `iii worker add <NAME|PATH>...` (workers.md §19.1). Built-ins come from the engine itself (bare
 * entry + `type: engine` lock entry, nothing downloaded); local paths append `name` + absolute
 * `worker_path`. A running `iii` sees the config.yaml change and starts the worker.
 */
import { existsSync, rmSync, statSync } from 'node:fs';
import { homedir } from 'node:os';
import { basename, isAbsolute, join, relative, resolve } from 'node:path';
import { flag, intOption, parseArgs } from '../../args.ts';
import { CliError, toCliError } from '../../output/cli-error.ts';
import { formatError } from '../../output/render.ts';
import { BUILTINS, classify, DEPRECATED, ENGINE_WORKER_VERSION, MANDATORY } from '../../project/catalog.ts';
import { appendEntry, readEntries, removeEntry } from '../../project/config-file.ts';
import { readManifest } from '../../project/manifest.ts';
import { type ProjectPaths, projectPaths } from '../../project/paths.ts';
import { readConfigText, syncLock, writeConfigText } from '../../project/project-files.ts';
import { readRuntime } from '../../project/runtime-file.ts';
import type { CommandContext } from '../../registry.ts';
import { options } from './options.ts';
import { waitReady } from './wait-ready.ts';

export async function run(ctx: CommandContext): Promise<void> {
  const args = parseArgs(ctx.argv, options);
  if (args.positionals.length === 0)
    throw new CliError('E_CLI_BAD_ARGS', 'missing worker name or path', 'e.g. iii worker add http, or iii worker add ./link');
  const paths = projectPaths(ctx.configPath);
  const waitMs = intOption(args, 'wait-timeout-ms', 120_000);
  const many = args.positionals.length > 1;
  const locals: string[] = [];
  let failed = 0;
  for (const [i, arg] of args.positionals.entries()) {
    if (many) ctx.io.err(`[${i + 1}/${args.positionals.length}] Adding ${arg}\n`);
    try {
      const local = addOne(ctx, paths, arg, flag(args, 'force'));
      if (local) locals.push(local);
    } catch (err) {
      if (!many) throw err;
      failed++;
      ctx.io.err(formatError(toCliError(err)));
    }
  }
  if (failed > 0) throw new CliError('E_CLI_ADD_FAILED', `${failed} of ${args.positionals.length} workers could not be added`);
  if (locals.length === 0 || flag(args, 'no-wait')) {
    ctx.io.err('A running `iii` picks the change up automatically; otherwise start the engine with `iii`.\n');
    return;
  }
  for (const name of locals) {
    const ready = await waitReady(paths.runtime, name, waitMs, ctx.io);
    if (ready) ctx.io.err(`✓ ${name} is running\n`);
    else if (readRuntime(paths.runtime))
      ctx.io.err(`${name} is still starting; see \`iii worker logs ${name}\` and \`iii worker list\`.\n`);
  }
}

/** Returns the worker name when a local worker was added (so the caller can wait for it). */
function addOne(ctx: CommandContext, paths: ProjectPaths, arg: string, force: boolean): string | undefined {
  const kind = classify(arg);
  if (kind === 'mandatory') {
    ctx.io.err(`'${arg}' is a mandatory engine worker (always on; configure via the configuration worker, not config.yaml).\n`);
    return undefined;
  }
  if (kind === 'local') return addLocal(ctx, paths, arg, force);
  if (kind === 'deprecated')
    ctx.io.err(`warning: Worker name '${arg}' is deprecated. Use \`iii worker add ${DEPRECATED[arg]}\` instead.\n`);
  if (kind === 'unknown')
    throw new CliError(
      'E_CLI_UNKNOWN_WORKER',
      `'${arg}' is not a worker built into Triad, and Triad does not download registry workers`,
      `built-ins: ${[...BUILTINS].join(', ')}; local folders: iii worker add ./path`,
    );
  addBuiltin(ctx, paths, arg);
  return undefined;
}

function addBuiltin(ctx: CommandContext, paths: ProjectPaths, name: string): void {
  const text = readConfigText(paths);
  const exists = readEntries(text, paths.config).some((e) => e.name === name);
  const next = exists ? text : appendEntry(text, { name });
  if (!exists) writeConfigText(paths, next);
  syncLock(paths, next);
  ctx.io.err(`  ${name} v${ENGINE_WORKER_VERSION} (engine, built-in — nothing to download)\n`);
  ctx.io.err(exists ? `✓ Worker ${name} already in config.yaml (entry kept)\n` : `✓ Worker ${name} added to config.yaml\n`);
}

function addLocal(ctx: CommandContext, paths: ProjectPaths, arg: string, force: boolean): string {
  const dir = resolve(ctx.cwd, arg.startsWith('~') ? join(homedir(), arg.slice(1)) : arg);
  if (!existsSync(dir) || !statSync(dir).isDirectory()) throw new CliError('E_CLI_BAD_ARGS', `${dir} is not a directory`);
  const manifest = readManifest(dir);
  for (const w of manifest.warnings) ctx.io.err(`warning: ${w}\n`);
  if (!manifest.scripts.start) ctx.io.err(`warning: ${basename(dir)}/iii.worker.yaml has no scripts.start; \`iii\` cannot start it\n`);
  const name = manifest.name;
  if (MANDATORY.has(name) || BUILTINS.has(name) || name in DEPRECATED)
    throw new CliError('E_CLI_BAD_ARGS', `a local worker cannot be named '${name}': that is a built-in worker`);
  let text = readConfigText(paths);
  if (readEntries(text, paths.config).some((e) => e.name === name)) {
    if (!force)
      throw new CliError(
        'E_CLI_WORKER_EXISTS',
        `Worker '${name}' is already in config.yaml.`,
        `pass --force to replace it, or \`iii worker remove ${name} -y\``,
      );
    text = removeEntry(text, name);
    // --force means "install again": drop the install marker.
    rmSync(join(dir, '.iii', 'prepared'), { force: true });
  }
  const next = appendEntry(text, { name, worker_path: asTyped(paths.dir, arg, dir) });
  writeConfigText(paths, next);
  syncLock(paths, next);
  ctx.io.err(`✓ Worker ${name} added to config.yaml (local: ${dir})\n`);
  return name;
}

/**
 * `worker_path` as the user typed it, so the project can move: an absolute or `~/` path stays as is,
 * a relative one is written relative to the project folder (`./link`), whatever the cwd was.
 */
function asTyped(projectDir: string, arg: string, dir: string): string {
  if (isAbsolute(arg) || arg.startsWith('~')) return arg;
  const rel = relative(projectDir, dir) || '.';
  return rel.startsWith('..') || isAbsolute(rel) ? rel : `./${rel}`;
}
