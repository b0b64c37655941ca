/**
 * `iii` with no command (workers.md §16): start the engine for ./config.yaml (or `-c`), run the
 * project's local workers under supervision, print where to look, stop everything on Ctrl-C/SIGTERM.
 */
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { dirname } from 'node:path';
import { createInterface } from 'node:readline/promises';
import { LOG_FORMATS, type LogFormat } from '@triad/engine';
import { parseArgs, str } from '../../args.ts';
import { CliError, toCliError } from '../../output/cli-error.ts';
import { statusLine } from '../../output/log-line.ts';
import { type ProjectPaths, projectPaths } from '../../project/paths.ts';
import { syncLock } from '../../project/project-files.ts';
import { removeRuntime, writeRuntime } from '../../project/runtime-file.ts';
import type { CommandContext } from '../../registry.ts';
import { controlFunctions } from './control.ts';
import { options } from './options.ts';
import type { ProjectHandle } from './project-runner.ts';
import { Supervisor } from './supervisor.ts';
import { localSocketPath, type WorkerTransport, workerTransport } from './worker-socket.ts';

const LEVELS = ['debug', 'info', 'warn', 'error', 'silent'] as const;
type Level = (typeof LEVELS)[number];

function checkLogLevel(level: string): Level {
  if (!(LEVELS as readonly string[]).includes(level))
    throw new CliError('E_CLI_BAD_ARGS', `--log-level must be one of ${LEVELS.join(', ')}`);
  return level as Level;
}

/** `--log-format`, else $III_LOG_FORMAT, else text; anything else is a typo worth stopping for. */
function checkLogFormat(flagValue: string | undefined, env: NodeJS.ProcessEnv): LogFormat {
  const format = flagValue ?? env.III_LOG_FORMAT ?? 'text';
  if (!(LOG_FORMATS as readonly string[]).includes(format)) {
    const source = flagValue === undefined ? 'III_LOG_FORMAT' : '--log-format';
    throw new CliError('E_CLI_BAD_ARGS', `${source} must be one of ${LOG_FORMATS.join(', ')} (got \`${format}\`)`);
  }
  return format as LogFormat;
}

export const DEFAULT_CONFIG = `# iii engine configuration.
# Add workers with \`iii worker add <name>\`; a running engine reloads on save.
# Configure workers at runtime through the configuration worker (configuration::set).
workers: []
`;

export async function run(ctx: CommandContext): Promise<void> {
  const args = parseArgs(ctx.argv, options);
  if (args.positionals.length > 0) throw new CliError('E_CLI_BAD_ARGS', `unknown command \`${args.positionals[0]}\``, 'see `iii --help`');
  const logLevel = checkLogLevel(str(args, 'log-level') ?? 'info');
  const logFormat = checkLogFormat(str(args, 'log-format'), ctx.env);
  const transport = workerTransport(str(args, 'worker-transport'), ctx.env);
  try {
    await serve(ctx, logLevel, logFormat, transport);
  } catch (err) {
    // With --log-format json even the last word (e.g. a config error at start) is a JSON line.
    const cliErr = toCliError(err);
    cliErr.logFormat = logFormat;
    throw cliErr;
  }
}

async function serve(ctx: CommandContext, logLevel: Level, logFormat: LogFormat, transport: WorkerTransport): Promise<void> {
  const say: Say = (level, msg, fields, text) =>
    ctx.io.err(statusLine(logFormat, { level, scope: 'iii', msg, ...(fields ? { fields } : {}) }, text));
  await ensureConfig(ctx, say);
  // Signals are ours from here on: a Ctrl-C during start-up waits for the start, then stops cleanly
  // (a default-handler death would skip the 'exit' hook and orphan the workers).
  const signalled = untilSignal();
  // Loaded on demand: the engine is only needed by this command.
  const { startProjectHandle } = await import('./project-runner.ts');
  const socket = transport === 'unix' ? localSocketPath(ctx.configPath, ctx.env) : undefined;
  if (socket && 'reason' in socket) say('warn', `local workers connect over TCP: ${socket.reason}`);
  const handle = await startProjectHandle(ctx.configPath, logLevel, logFormat, socket && 'path' in socket ? socket.path : undefined);
  const engineUrl = localUrl(handle.addresses().worker);
  // The main listener's socket (the one `worker` names), published only when it opened one (not with RBAC).
  const unixUrl = transport === 'unix' ? handle.addresses()['iii-worker-manager-unix'] : undefined;
  const paths = projectPaths(ctx.configPath);
  const secret = handle.workerSecret();
  const sup = new Supervisor({
    paths,
    engineUrl,
    io: ctx.io,
    env: ctx.env,
    logFormat,
    ...(unixUrl !== undefined ? { unixUrl } : {}),
    ...(secret !== undefined ? { secret } : {}),
  });
  writeRuntime(paths.runtime, { pid: process.pid, worker_url: engineUrl });
  refreshLock(paths, say);
  // Whatever ends this process, no worker outlives it (covers crashes and a second Ctrl-C).
  process.once('exit', () => {
    sup.killAll();
    removeRuntime(paths.runtime);
  });
  for (const fn of controlFunctions(sup)) handle.registerFunction(fn);
  handle.onConnectionsChanged(() => sup.setConnected(handle.connectedNames()));
  await followLocalWorkers(handle, sup, say);
  printReady(ctx, handle, { tcp: engineUrl, unix: unixUrl }, logFormat);
  await signalled;
  say('info', 'Stopping…');
  await shutdown(sup, handle);
}

/** A status line of `iii` itself: `text` (default `msg`) in text mode, a JSON record in json mode. */
type Say = (level: 'info' | 'warn', msg: string, fields?: Record<string, unknown>, text?: string) => void;

/** Start the current local workers, then follow every config.yaml change. */
async function followLocalWorkers(handle: ProjectHandle, sup: Supervisor, say: Say): Promise<void> {
  const warned = new Set<string>();
  const warnImages = (): void => {
    for (const name of handle.imageWorkers().filter((n) => !warned.has(n))) {
      warned.add(name);
      const msg = `worker '${name}' is an OCI image; Triad runs local (worker_path) workers only, so it is not started`;
      say('warn', msg, { worker: name }, `warning: ${msg}`);
    }
  };
  handle.onLocalWorkers((entries) => {
    warnImages();
    refreshLock(sup.paths, say);
    void sup.reconcile(entries);
  });
  warnImages();
  await sup.reconcile(handle.localWorkers());
}

/** iii.lock follows config.yaml, also when it was edited by hand; a problem there never stops the engine. */
function refreshLock(paths: ProjectPaths, say: Say): void {
  try {
    if (syncLock(paths, readFileSync(paths.config, 'utf8'))) say('info', 'iii.lock updated');
  } catch (err) {
    say('warn', `iii.lock not updated: ${err instanceof Error ? err.message : String(err)}`);
  }
}

/** Workers always reach the engine over loopback, whatever host the listener bound. */
function localUrl(worker: string | undefined): string {
  const port = worker ? new URL(worker).port : '';
  return `ws://127.0.0.1:${port || '49134'}`;
}

async function ensureConfig(ctx: CommandContext, say: Say): Promise<void> {
  if (existsSync(ctx.configPath)) return;
  if (process.stdin.isTTY && process.stderr.isTTY) {
    const rl = createInterface({ input: process.stdin, output: process.stderr });
    const answer = await rl.question(`No config.yaml found in ${dirname(ctx.configPath)}. Create it and start the engine? [Y/n] `);
    rl.close();
    if (/^n/i.test(answer.trim()))
      throw new CliError(
        'E_CLI_NO_CONFIG',
        'Aborted. Run `iii` from your project directory, or pass --config <path> to an existing config file.',
      );
  }
  writeFileSync(ctx.configPath, DEFAULT_CONFIG);
  say('info', `Created ${ctx.configPath}`);
}

function printReady(ctx: CommandContext, handle: ProjectHandle, urls: { tcp: string; unix: string | undefined }, format: LogFormat): void {
  const a = handle.addresses();
  const engineUrl = urls.tcp;
  if (format === 'json') {
    const fields = { config: ctx.configPath, ...a, worker: engineUrl, logs: '.iii/logs/<worker>/' };
    ctx.io.err(statusLine(format, { level: 'info', scope: 'iii', msg: 'iii engine running', fields }));
    return;
  }
  const lines = [`✓ iii engine running (${ctx.configPath})`, `  worker socket  ${engineUrl}   (III_URL for workers, iii trigger --url)`];
  if (urls.unix) lines.push(`  local workers  ${urls.unix}   (III_URL of the Node iii-sdk workers iii starts)`);
  if (a.http) lines.push(`  HTTP API       ${a.http}`);
  if (a.stream) lines.push(`  stream         ${a.stream}`);
  if (a.console) lines.push(`  console        ${a.console}`);
  // Other listeners (a second worker-manager, …), once per address.
  const shown = new Set([a.worker, urls.unix, a.http, a.stream, a.console]);
  for (const [label, url] of Object.entries(a)) if (!shown.has(url)) lines.push(`  ${label.padEnd(13)}  ${url}`);
  lines.push('  logs           .iii/logs/<worker>/ (iii worker logs <name>)', 'Press Ctrl-C to stop.');
  ctx.io.err(`${lines.join('\n')}\n`);
}

/** Ctrl-C, `kill`, or the terminal closing (SIGHUP): all mean "stop cleanly". */
const STOP_SIGNALS: readonly NodeJS.Signals[] = ['SIGINT', 'SIGTERM', 'SIGHUP'];

function untilSignal(): Promise<NodeJS.Signals> {
  return new Promise((resolve) => {
    const on = (signal: NodeJS.Signals): void => {
      for (const s of STOP_SIGNALS) process.off(s, on);
      // A second signal while stopping means "now": exit, and the 'exit' hook SIGKILLs the workers.
      const now = (): never => process.exit(130);
      for (const s of STOP_SIGNALS) process.once(s, now);
      resolve(signal);
    };
    for (const s of STOP_SIGNALS) process.on(s, on);
  });
}

/** Children first (they talk to the engine), then the engine. */
async function shutdown(sup: Supervisor, handle: ProjectHandle): Promise<void> {
  await sup.stopAll();
  await handle.stop();
}
