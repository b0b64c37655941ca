/** The engine round trips behind `iii config list|get|set` (see index.ts). */
import { flag, intOption, type ParsedArgs, str } from '../../args.ts';
import { remoteError, withEngine } from '../../engine-client.ts';
import { targetFrom } from '../../engine-options.ts';
import { CliError } from '../../output/cli-error.ts';
import { formatResult, formatTable } from '../../output/render.ts';
import type { CommandContext } from '../../registry.ts';
import { buildPayload } from '../trigger/payload.ts';

type Json = Record<string, unknown>;

function call(ctx: CommandContext, args: ParsedArgs, steps: (invoke: (fn: string, payload: Json) => Promise<unknown>) => Promise<unknown>) {
  const timeoutMs = intOption(args, 'timeout-ms', 30_000);
  return withEngine(targetFrom(args, ctx.env), timeoutMs, (client) =>
    steps((function_id, payload) =>
      client.trigger({ function_id, payload, timeoutMs }).catch((err: unknown) => {
        throw toConfigError(err, String(payload.id ?? ''));
      }),
    ),
  );
}

/** Engine codes → CLI codes with a next step; the engine's message (which names the bad key) is kept. */
export function toConfigError(err: unknown, id: string): CliError {
  const remote = remoteError(err);
  if (!remote) return new CliError('E_INTERNAL', err instanceof Error ? err.message : String(err));
  if (remote.code === 'NOT_FOUND' || remote.code === 'NOT_REGISTERED')
    return new CliError('E_CLI_UNKNOWN_CONFIG', `no configuration entry \`${id}\` in the running engine`, 'run `iii config list`');
  if (remote.code === 'SCHEMA_INVALID')
    return new CliError('E_CONFIG_INVALID', remote.message, `see the schema: iii trigger configuration::schema id=${id}`);
  if (remote.code === 'INVALID_ID') return new CliError('E_CLI_BAD_ARGS', remote.message);
  if (remote.code === 'function_not_found')
    return new CliError('E_CLI_UNKNOWN_FUNCTION', remote.message, 'the engine runs without the configuration worker');
  return new CliError(remote.code, remote.message);
}

function requireId(args: ParsedArgs, verb: string): { id: string; rest: string[] } {
  const [id, ...rest] = args.positionals;
  if (id === undefined) throw new CliError('E_CLI_BAD_ARGS', 'missing ID', `try: iii config ${verb} <id> (ids: iii config list)`);
  return { id, rest };
}

export async function list(ctx: CommandContext, args: ParsedArgs): Promise<void> {
  if (args.positionals.length > 0)
    throw new CliError('E_CLI_BAD_ARGS', `unexpected argument \`${args.positionals[0]}\``, 'try: iii config get <id>');
  const answer = (await call(ctx, args, (invoke) => invoke('configuration::list', {}))) as { configurations?: Json[] };
  const rows = (answer.configurations ?? []).map((c) => [String(c.id), String(c.name ?? ''), String(c.description ?? '')]);
  ctx.io.out(rows.length === 0 ? '(no configuration entries)\n' : formatTable(['ID', 'NAME', 'DESCRIPTION'], rows));
}

export async function get(ctx: CommandContext, args: ParsedArgs): Promise<void> {
  const { id, rest } = requireId(args, 'get');
  if (rest.length > 1) throw new CliError('E_CLI_BAD_ARGS', `unexpected argument \`${rest[1]}\``, 'usage: iii config get <id> [key]');
  const answer = (await call(ctx, args, (invoke) => invoke('configuration::get', { id, raw: flag(args, 'raw') }))) as { value?: unknown };
  const key = rest[0];
  ctx.io.out(formatResult(key === undefined ? answer.value : pick(answer.value, key, id)));
}

export async function set(ctx: CommandContext, args: ParsedArgs): Promise<void> {
  const { id, rest } = requireId(args, 'set');
  const json = str(args, 'json');
  if (rest.length === 0 && json === undefined)
    throw new CliError('E_CLI_BAD_ARGS', 'nothing to set', `try: iii config set ${id} key=value, or --json '<value>'`);
  const result = (await call(ctx, args, async (invoke) => {
    // Pairs alone edit the current value as written (placeholders kept), so other keys survive.
    const base = json ?? JSON.stringify(((await invoke('configuration::get', { id, raw: true })) as { value?: unknown }).value ?? {});
    return invoke('configuration::set', { id, value: buildPayload(rest, base) });
  })) as { new_value?: unknown };
  ctx.io.err(`config ${id} updated (applied live)\n`);
  ctx.io.out(formatResult(result.new_value));
}

/** `a.b` in a value; a missing key is an error, not silence, so typos show. */
function pick(value: unknown, key: string, id: string): unknown {
  let cur = value;
  for (const part of key.split('.')) {
    if (typeof cur !== 'object' || cur === null || !(part in cur))
      throw new CliError('E_CLI_BAD_ARGS', `configuration \`${id}\` has no key \`${key}\``, `see the whole value: iii config get ${id}`);
    cur = (cur as Json)[part];
  }
  return cur;
}
