/**
 * `iii trigger <fn> --help` (workers.md §17.4), pure: render the answer of
 * `engine::functions::info` as a title, description, usage and a parameters table.
 */

import type { OptionSpec } from '../../args.ts';
import { renderOptions } from '../../output/help.ts';
import { formatTable } from '../../output/render.ts';

type Json = Record<string, unknown>;

/** Control and bidi characters are stripped: descriptions come from any worker. */
function clean(text: string): string {
  // biome-ignore lint/suspicious/noControlCharactersInRegex: stripping them is the point
  return text.replace(/[\u0000-\u0008\u000b-\u001f\u007f\u200e\u200f\u202a-\u202e\u2066-\u2069]/g, '');
}

function typeOf(schema: unknown): string {
  if (typeof schema !== 'object' || schema === null) return 'any';
  const t = (schema as Json).type;
  if (typeof t === 'string') return t;
  if (Array.isArray(t)) return t.filter((x) => typeof x === 'string').join('|') || 'any';
  return 'any';
}

export function parametersTable(info: Json): string {
  const schema = (info.request_schema ?? info.request_format) as Json | undefined;
  const props = schema && typeof schema.properties === 'object' && schema.properties !== null ? (schema.properties as Json) : {};
  const names = Object.keys(props);
  if (names.length === 0) return '(no request schema published)\n';
  const required = new Set(Array.isArray(schema?.required) ? schema.required.filter((x): x is string => typeof x === 'string') : []);
  const rows = names.map((name) => {
    const p = props[name];
    const description =
      typeof p === 'object' && p !== null && typeof (p as Json).description === 'string' ? ((p as Json).description as string) : '';
    return [name, typeOf(p), required.has(name) ? 'yes' : 'no', clean(description)];
  });
  return formatTable(['name', 'type', 'required', 'description'], rows);
}

export function renderFunctionHelp(fn: string, info: Json, options: readonly OptionSpec[]): string {
  const description = typeof info.description === 'string' ? clean(info.description).trim() : '';
  const parts = [`iii trigger ${fn}`, ''];
  if (description) parts.push(description, '');
  parts.push(
    `Usage: iii trigger ${fn} [key=value ...] [--json '<obj>']`,
    '',
    'Parameters:',
    parametersTable(info),
    'Options:',
    renderOptions(options),
  );
  return `${parts.join('\n')}\n`;
}
