/** `iii trigger FUNCTION [key=value …]` (alias `iii t`): call one function on a running engine (workers.md §17). */
import { flag, intOption, type OptionSpec, type ParsedArgs, parseArgs, str } from '../../args.ts';
import { type EngineTarget, remoteError, withEngine } from '../../engine-client.ts';
import { engineOptions, targetFrom } from '../../engine-options.ts';
import { CliError } from '../../output/cli-error.ts';
import { renderHelp } from '../../output/help.ts';
import { formatResult } from '../../output/render.ts';
import { type CommandContext, registerCommand } from '../../registry.ts';
import { renderFunctionHelp } from './function-help.ts';
import { buildPayload } from './payload.ts';

const options: OptionSpec[] = [
  {
    name: 'json',
    type: 'string',
    value: '<JSON>',
    description: 'Payload as JSON (any JSON value; must be an object when combined with key=value)',
  },
  ...engineOptions,
];

const details = `Values are parsed as JSON first, else kept as strings: limit=100 → 100, found=true → true,
code=iii → "iii", params='["a",1]' → array.
Triad improvement over the reference CLI: dotted keys nest, a.b=1 → {"a":{"b":1}} (write a\\.b=1 for a
literal dotted key).
The result is printed as JSON with sorted keys; nothing is printed for null. Without flags the engine is
$III_URL, else ws://127.0.0.1:49134.
Tip: \`iii trigger <fn-path> --help\` queries a running engine for the function's description and request schema.`;

const command = registerCommand({
  path: ['trigger'],
  aliases: [['t']],
  summary: 'Invoke a function on a running engine and print its result',
  usage: 'iii trigger [OPTIONS] <FUNCTION_PATH> [KEY=VALUE]...',
  options,
  details,
  handlesHelp: true,
  run,
});

async function run(ctx: CommandContext): Promise<void> {
  const args = parseArgs(ctx.argv, options);
  const [fn, ...tokens] = args.positionals;
  const timeoutMs = intOption(args, 'timeout-ms', 30_000);
  if (flag(args, 'help')) {
    if (fn === undefined) ctx.io.out(renderHelp(command));
    else await functionHelp(ctx, fn, target(args, ctx), timeoutMs);
    return;
  }
  if (fn === undefined) throw new CliError('E_CLI_BAD_ARGS', 'missing FUNCTION_PATH', 'try: iii trigger <fn-path> [key=value ...]');
  const payload = buildPayload(tokens, str(args, 'json'));
  const result = await withEngine(target(args, ctx), timeoutMs, (client) =>
    client.trigger({ function_id: fn, payload, timeoutMs }).catch((err: unknown) => {
      throw toTriggerError(err, fn, timeoutMs);
    }),
  );
  ctx.io.out(formatResult(result));
}

function target(args: ParsedArgs, ctx: CommandContext): EngineTarget {
  return targetFrom(args, ctx.env);
}

/** Remote error bodies keep their wire code; the common ones get a CLI code and a hint. */
export function toTriggerError(err: unknown, fn: string, timeoutMs: number): CliError {
  const remote = remoteError(err);
  if (!remote) return new CliError('E_INTERNAL', err instanceof Error ? err.message : String(err));
  if (remote.code === 'function_not_found')
    return new CliError(
      'E_CLI_UNKNOWN_FUNCTION',
      remote.message || `function ${fn} not found`,
      'run `iii trigger engine::functions::list` to see registered functions',
    );
  if (remote.code === 'TIMEOUT')
    return new CliError(
      'E_CLI_TIMEOUT',
      `no response from ${fn} within ${timeoutMs} ms`,
      'raise --timeout-ms, or check the worker that owns the function',
    );
  if (remote.code === 'AUTH_ERROR')
    return new CliError(
      remote.code,
      remote.message,
      'set III_ENGINE_SECRET to the engine secret (`npm run start:cluster` prints it; docs/security.md)',
    );
  return new CliError(remote.code, remote.message);
}

async function functionHelp(ctx: CommandContext, fn: string, engine: EngineTarget, timeoutMs: number): Promise<void> {
  let info: unknown;
  try {
    info = await withEngine(engine, timeoutMs, (client) =>
      client.trigger({ function_id: 'engine::functions::info', payload: { function_id: fn }, timeoutMs }),
    );
  } catch (err) {
    const remote = remoteError(err);
    // `function_not_found` here means the engine lacks engine::functions::info (too old): static help.
    if (remote && remote.code !== 'function_not_found' && (remote.code === 'NOT_FOUND' || /not (found|registered)/i.test(remote.message)))
      throw new CliError(
        'E_CLI_UNKNOWN_FUNCTION',
        `function \`${fn}\` not found in engine registry`,
        'run `iii trigger engine::functions::list` to see registered functions',
      );
    const why = err instanceof Error ? err.message : String(err);
    ctx.io.err(`warning: could not query engine for \`${fn}\`: ${why}\nShowing static CLI help only.\n`);
    ctx.io.out(renderHelp(command));
    return;
  }
  const detail = typeof info === 'object' && info !== null ? (info as Record<string, unknown>) : {};
  ctx.io.out(renderFunctionHelp(fn, detail, options));
}
