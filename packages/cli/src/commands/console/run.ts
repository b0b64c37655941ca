/**
 * `iii console`: check that an engine answers, start the standalone console against it, print the
 * URL, and stop cleanly on Ctrl-C / SIGTERM / SIGHUP.
 */
import { intOption, type ParsedArgs, parseArgs, str } from '../../args.ts';
import { authHeaders, type EngineTarget, probe, resolveTarget } from '../../engine-client.ts';
import { CliError } from '../../output/cli-error.ts';
import type { CommandContext } from '../../registry.ts';
import { options, REFUSED } from './options.ts';

const PROBE_TIMEOUT_MS = 5_000;
/** The probe's hint names trigger's flags; ours differ. */
const ENGINE_HINT = 'start it with `iii` in your project folder, or pass --url / --engine-host / --bridge-port';
const STOP_SIGNALS: readonly NodeJS.Signals[] = ['SIGINT', 'SIGTERM', 'SIGHUP'];

export interface ConsoleArgs {
  engine: EngineTarget;
  host: string;
  port: number;
}

/** argv → where to listen and which engine to use (pure apart from $III_URL). */
export function readConsoleArgs(args: ParsedArgs, env: NodeJS.ProcessEnv): ConsoleArgs {
  if (args.positionals.length > 0)
    throw new CliError('E_CLI_BAD_ARGS', `unexpected argument \`${args.positionals[0]}\``, 'see `iii console --help`');
  for (const [name, { why, hint }] of Object.entries(REFUSED))
    if (args.options[name] !== undefined) throw new CliError('E_CLI_UNSUPPORTED_FLAG', `--${name} is not supported: ${why}`, hint);
  const port = intOption(args, 'port', 3113);
  if (port > 65535) throw new CliError('E_CLI_BAD_ARGS', `--port must be at most 65535, got ${port}`);
  const engine = resolveTarget({ url: str(args, 'url'), address: str(args, 'engine-host'), port: str(args, 'bridge-port'), env });
  return { engine, host: str(args, 'host') ?? '127.0.0.1', port };
}

export async function run(ctx: CommandContext): Promise<void> {
  const opts = readConsoleArgs(parseArgs(ctx.argv, options), ctx.env);
  // Fail in milliseconds, naming the address: the SDK would otherwise retry the connection forever.
  await probe(opts.engine, PROBE_TIMEOUT_MS).catch((err: unknown) => {
    throw err instanceof CliError ? new CliError(err.code, err.message, ENGINE_HINT) : err;
  });
  // Signals are ours from here on, so a Ctrl-C during start-up still ends in a clean stop.
  const stop = untilSignal();
  const restoreConsole = quietConsole();
  try {
    // Loaded on demand: the console package pulls in the SDK.
    const { startConsole } = await import('@triad/console');
    const running = await startConsole({
      engineUrl: opts.engine.url,
      host: opts.host,
      port: opts.port,
      headers: authHeaders(opts.engine),
    }).catch((err: unknown) => {
      throw listenError(err, opts);
    });
    ctx.io.out(`${running.url}\n`);
    ctx.io.err(`✓ iii console running at ${running.url} (engine ${opts.engine.url})\nPress Ctrl-C to stop.\n`);
    await stop.signalled;
    ctx.io.err('Stopping…\n');
    await running.shutdown();
  } finally {
    stop.dispose();
    restoreConsole();
  }
}

/**
 * The SDK chats on `console.*` ("[iii] Worker registered…", "[OTel] … disabled") on stdout, where we
 * print the URL for scripts to read. Our own output never goes through `console`.
 */
function quietConsole(): () => void {
  const saved = { debug: console.debug, log: console.log, info: console.info };
  const mute = (): void => {};
  Object.assign(console, { debug: mute, log: mute, info: mute });
  return () => Object.assign(console, saved);
}

function listenError(err: unknown, opts: ConsoleArgs): unknown {
  const code = (err as NodeJS.ErrnoException | undefined)?.code;
  if (code === 'EADDRINUSE')
    return new CliError('E_CLI_PORT_IN_USE', `${opts.host}:${opts.port} is already in use`, 'pick another port with -p <port>');
  if (code === 'EADDRNOTAVAIL' || code === 'EACCES')
    return new CliError('E_CLI_BAD_ARGS', `cannot listen on ${opts.host}:${opts.port} (${code})`, 'check --host / --port');
  return err;
}

/** The first stop signal resolves `signalled`; a second one while stopping means "now". */
function untilSignal(): { signalled: Promise<NodeJS.Signals>; dispose(): void } {
  let on: (signal: NodeJS.Signals) => void = () => {};
  const dispose = (): void => {
    for (const s of STOP_SIGNALS) process.off(s, on);
  };
  const signalled = new Promise<NodeJS.Signals>((resolve) => {
    on = (signal) => {
      dispose();
      for (const s of STOP_SIGNALS) process.once(s, () => process.exit(130));
      resolve(signal);
    };
    for (const s of STOP_SIGNALS) process.on(s, on);
  });
  return { signalled, dispose };
}
