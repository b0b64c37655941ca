/**
 * A small, strict argv parser (pure). Each command declares its options; anything else is an
 * `E_CLI_BAD_ARGS` error, so typos never pass silently.
 *
 * @example
 * parseArgs(['--port', '3000', 'fn', 'a=1'], [{ name: 'port', type: 'string' }])
 * // → { options: { port: '3000' }, positionals: ['fn', 'a=1'] }
 */
import { CliError } from './output/cli-error.ts';

export interface OptionSpec {
  /** Long name without dashes, e.g. `timeout-ms`. */
  name: string;
  /** One-letter alias without the dash, e.g. `c`. */
  short?: string;
  type: 'string' | 'boolean';
  /** Placeholder in help, e.g. `<ms>`. */
  value?: string;
  description: string;
  /** Shown in help as `[default: …]`. */
  defaultText?: string;
}

export interface ParsedArgs {
  options: Record<string, string | boolean>;
  positionals: string[];
}

export const HELP_OPTION: OptionSpec = { name: 'help', short: 'h', type: 'boolean', description: 'Print help' };

export function parseArgs(argv: readonly string[], specs: readonly OptionSpec[]): ParsedArgs {
  const all = [...specs, HELP_OPTION];
  const options: Record<string, string | boolean> = {};
  const positionals: string[] = [];
  for (let i = 0; i < argv.length; i++) {
    const token = argv[i] ?? '';
    if (token === '--') {
      positionals.push(...argv.slice(i + 1));
      break;
    }
    if (!token.startsWith('-') || token === '-' || /^-\d/.test(token)) {
      positionals.push(token);
      continue;
    }
    const { spec, inline } = findSpec(token, all);
    if (spec.type === 'boolean') {
      if (inline !== undefined) throw new CliError('E_CLI_BAD_ARGS', `option --${spec.name} takes no value (got \`${token}\`)`);
      options[spec.name] = true;
      continue;
    }
    const value = inline ?? argv[++i];
    if (value === undefined)
      throw new CliError('E_CLI_BAD_ARGS', `option --${spec.name} needs a value`, `e.g. --${spec.name} ${spec.value ?? '<value>'}`);
    options[spec.name] = value;
  }
  return { options, positionals };
}

function findSpec(token: string, specs: readonly OptionSpec[]): { spec: OptionSpec; inline: string | undefined } {
  const long = token.startsWith('--');
  const body = token.slice(long ? 2 : 1);
  const eq = body.indexOf('=');
  const key = eq === -1 ? body : body.slice(0, eq);
  const inline = eq === -1 ? undefined : body.slice(eq + 1);
  const spec = specs.find((s) => (long ? s.name === key : s.short === key));
  if (!spec) {
    const known = specs.map((s) => `--${s.name}`).join(', ');
    throw new CliError('E_CLI_BAD_ARGS', `unknown option \`${token}\``, `known options: ${known}`);
  }
  return { spec, inline };
}

/** Read a string option (undefined when absent). */
export function str(args: ParsedArgs, name: string): string | undefined {
  const v = args.options[name];
  return typeof v === 'string' ? v : undefined;
}

export function flag(args: ParsedArgs, name: string): boolean {
  return args.options[name] === true;
}

/** Parse a non-negative integer option or fail with E_CLI_BAD_ARGS. */
export function intOption(args: ParsedArgs, name: string, fallback: number): number {
  const raw = str(args, name);
  if (raw === undefined) return fallback;
  if (!/^\d+$/.test(raw)) throw new CliError('E_CLI_BAD_ARGS', `--${name} must be a non-negative integer, got \`${raw}\``);
  return Number(raw);
}
