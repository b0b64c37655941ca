/**
 * `iii worker add <NAME|PATH>...` (workers.md §19.1). Built-ins come from the engine itself (bare
 * entry, nothing downloaded); local paths append `name` + `worker_path` as typed (relative to the
 * project). iii.lock is rewritten to list every worker. A running `iii` sees the config.yaml change and
 * starts the worker; `add` then waits for it to connect, or reports why it failed.
 */
import { existsSync, rmSync, statSync } from 'node:fs';
import { homedir } from 'node:os';
import { basename, isAbsolute, join, relative, resolve } from 'node:path';
import { flag, intOption, parseArgs } from '../../args.ts';
import { resolveTarget, withEngine } from '../../engine-client.ts';
import { CliError, toCliError } from '../../output/cli-error.ts';
import { formatError } from '../../output/render.ts';
import { BUILTINS, classify, DEPRECATED, ENGINE_WORKER_VERSION, MANDATORY } from '../../project/catalog.ts';
import { appendEntry, readEntries, removeEntry } from '../../project/config-file.ts';
import { readManifest } from '../../project/manifest.ts';
import { type ProjectPaths, projectPaths } from '../../project/paths.ts';
import { readConfigText, syncLock, writeConfigText } from '../../project/project-files.ts';
import { readRuntime } from '../../project/runtime-file.ts';
import type { CommandContext } from '../../registry.ts';
import { callControl } from '../worker-control/status.ts';
import { waitForWorker } from '../worker-control/wait.ts';
import { options } from './options.ts';

export async function run(ctx: CommandContext): Promise<void> {
  const args = parseArgs(ctx.argv, options);
  if (args.positionals.length === 0)
    throw new CliError('E_CLI_BAD_ARGS', 'missing worker name or path', 'e.g. iii worker add http, or iii worker add ./link');
  const paths = projectPaths(ctx.configPath);
  const waitMs = intOption(args, 'wait-timeout-ms', 120_000);
  const many = args.positionals.length > 1;
  const locals: string[] = [];
  /** Local workers re-added with --force: a running `iii` restarts them (installing again). */
  const forced: string[] = [];
  let failed = 0;
  for (const [i, arg] of args.positionals.entries()) {
    if (many) ctx.io.err(`[${i + 1}/${args.positionals.length}] Adding ${arg}\n`);
    try {
      const local = addOne(ctx, paths, arg, flag(args, 'force'));
      if (local) locals.push(local.name);
      if (local?.replaced) forced.push(local.name);
    } catch (err) {
      if (!many) throw err;
      failed++;
      ctx.io.err(formatError(toCliError(err)));
    }
  }
  if (failed > 0) throw new CliError('E_CLI_ADD_FAILED', `${failed} of ${args.positionals.length} workers could not be added`);
  const running = readRuntime(paths.runtime);
  const noWait = flag(args, 'no-wait');
  if (locals.length === 0 || !running) {
    ctx.io.err(
      running || locals.length === 0
        ? 'A running `iii` picks the change up automatically; otherwise start the engine with `iii`.\n'
        : 'The engine is not running: start it with `iii` (it installs and starts the worker).\n',
    );
    return;
  }
  if (noWait && forced.length === 0) {
    ctx.io.err('A running `iii` picks the change up automatically.\n');
    return;
  }
  await withEngine(resolveTarget({ url: running.worker_url, env: ctx.env }), 10_000, async (client) => {
    // An unchanged entry is no config.yaml change to react to: ask for the restart --force means.
    for (const name of forced) await callControl(client, 'restart', name).catch(() => undefined);
    if (noWait) return;
    ctx.io.err(`Waiting for ${locals.join(', ')} to connect (up to ${Math.round(waitMs / 1000)} s; --no-wait skips this)…\n`);
    for (const name of locals) {
      // Until `iii` has read the new config.yaml the worker is unknown to it: that is "pending", not an error.
      if (!(await waitForWorker(client, name, waitMs, ctx.io, true)))
        ctx.io.err(`${name} is still starting; see \`iii worker status ${name}\` and \`iii worker logs ${name}\`.\n`);
    }
  });
}

/** The local worker added (so the caller can wait for it), and whether it replaced an entry (--force). */
interface AddedLocal {
  name: string;
  replaced: boolean;
}

function addOne(ctx: CommandContext, paths: ProjectPaths, arg: string, force: boolean): AddedLocal | undefined {
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

function addLocal(ctx: CommandContext, paths: ProjectPaths, arg: string, force: boolean): AddedLocal {
  const dir = resolve(ctx.cwd, arg.startsWith('~') ? join(homedir(), arg.slice(1)) : arg);
  if (!existsSync(dir) || !statSync(dir).isDirectory()) throw new CliError('E_CLI_BAD_ARGS', `${dir} is not a directory`);
  const manifest = readManifest(dir);
  for (const w of manifest.warnings) ctx.io.err(`warning: ${w}\n`);
  if (!manifest.scripts.start) ctx.io.err(`warning: ${basename(dir)}/iii.worker.yaml has no scripts.start; \`iii\` cannot start it\n`);
  const name = manifest.name;
  if (MANDATORY.has(name) || BUILTINS.has(name) || name in DEPRECATED)
    throw new CliError('E_CLI_BAD_ARGS', `a local worker cannot be named '${name}': that is a built-in worker`);
  let text = readConfigText(paths);
  const replaced = readEntries(text, paths.config).some((e) => e.name === name);
  if (replaced) {
    if (!force)
      throw new CliError(
        'E_CLI_WORKER_EXISTS',
        `Worker '${name}' is already in config.yaml.`,
        `pass --force to replace it, or \`iii worker remove ${name} -y\``,
      );
    text = removeEntry(text, name);
    // --force means "install again": drop the install marker (a running `iii` restarts the changed entry).
    rmSync(join(dir, '.iii', 'prepared'), { force: true });
  }
  const next = appendEntry(text, { name, worker_path: asTyped(paths.dir, arg, dir) });
  writeConfigText(paths, next);
  syncLock(paths, next);
  ctx.io.err(`✓ Worker ${name} added to config.yaml (local: ${dir})\n`);
  return { name, replaced };
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
