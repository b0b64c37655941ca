/**
 * Command options over `node:util` parseArgs, strict in our own words: each command declares its
 * options; anything else is an `E_CLI_BAD_ARGS` error (with the known options), so typos never pass
 * silently. parseArgs runs non-strict only so that we get every token and word the errors ourselves.
 *
 * @example
 * parseArgs(['--port', '3000', 'fn', 'a=1'], [{ name: 'port', type: 'string' }])
 * // → { options: { port: '3000' }, positionals: ['fn', 'a=1'] }
 */
import { parseArgs as parseArgv } from 'node:util';
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

/** `-5` is a value (a negative number), not the short option `5`. */
const NEGATIVE_NUMBER = /^-\d/;

export function parseArgs(argv: readonly string[], specs: readonly OptionSpec[]): ParsedArgs {
  const all = [...specs, HELP_OPTION];
  const config = Object.fromEntries(all.map((s) => [s.name, s.short ? { type: s.type, short: s.short } : { type: s.type }]));
  // `-p=80` means `--port=80` (parseArgs would read the value `=80`); errors still quote what was typed.
  const args = argv.map((a) => {
    const spec = /^-[^-]=/.test(a) ? all.find((s) => s.short === a[1]) : undefined;
    return spec ? `--${spec.name}${a.slice(2)}` : a;
  });
  const { tokens } = parseArgv({ args, options: config, strict: false, allowPositionals: true, tokens: true });
  const options: Record<string, string | boolean> = {};
  const positionals: string[] = [];
  let numberAt = -1;
  for (const t of tokens) {
    if (t.kind === 'positional') positionals.push(t.value);
    if (t.kind !== 'option') continue;
    const raw = argv[t.index] ?? t.rawName;
    if (NEGATIVE_NUMBER.test(raw)) {
      // parseArgs reads `-12` as the short options 1 and 2 (two tokens, one index): keep it once, as a word.
      if (numberAt !== t.index) positionals.push(raw);
      numberAt = t.index;
      continue;
    }
    const spec = all.find((s) => s.name === t.name && (t.rawName.startsWith('--') || s.short === t.rawName.slice(1)));
    if (!spec) {
      const known = all.map((s) => `--${s.name}`).join(', ');
      throw new CliError('E_CLI_BAD_ARGS', `unknown option \`${raw}\``, `known options: ${known}`);
    }
    if (spec.type === 'boolean') {
      if (t.value !== undefined) throw new CliError('E_CLI_BAD_ARGS', `option --${spec.name} takes no value (got \`${raw}\`)`);
      options[spec.name] = true;
      continue;
    }
    if (t.value === undefined)
      throw new CliError('E_CLI_BAD_ARGS', `option --${spec.name} needs a value`, `e.g. --${spec.name} ${spec.value ?? '<value>'}`);
    options[spec.name] = t.value;
  }
  return { options, positionals };
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
