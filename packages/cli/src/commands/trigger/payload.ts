/**
 * Build an `iii trigger` payload from `key=value` tokens and `--json` (workers.md §17.1), pure.
 *
 * Values are typed JSON-first, else kept as a string (`limit=100` → 100, `code=iii` → "iii").
 * Triad improvement over the reference: dotted keys nest (`a.b=1` → {a:{b:1}}); write `a\.b=1`
 * for a literal dotted key.
 */
import { CliError } from '../../output/cli-error.ts';

type JsonObject = Record<string, unknown>;

export function buildPayload(tokens: readonly string[], json?: string): unknown {
  const base = json === undefined ? undefined : parseJsonOption(json);
  if (tokens.length === 0) return base === undefined ? {} : base;
  if (base !== undefined && !isObject(base))
    throw new CliError('E_CLI_BAD_ARGS', '--json must be an object when combined with key=value pairs');
  const out: JsonObject = base === undefined ? {} : structuredClone(base);
  for (const token of tokens) {
    const { path, value } = parseToken(token);
    setPath(out, path, value, token);
  }
  return out;
}

function parseJsonOption(raw: string): unknown {
  try {
    return JSON.parse(raw);
  } catch {
    throw new CliError('E_CLI_BAD_ARGS', `--json: invalid JSON \`${raw}\``, 'quote it for the shell, e.g. --json \'{"a":1}\'');
  }
}

/** Split at the first `=`; the key becomes a path (dots nest, `\.` is a literal dot). */
export function parseToken(token: string): { path: string[]; value: unknown } {
  const eq = token.indexOf('=');
  if (eq === -1) throw new CliError('E_CLI_BAD_ARGS', `expected key=value, got \`${token}\``);
  const key = token.slice(0, eq);
  if (key === '') throw new CliError('E_CLI_BAD_ARGS', `payload key must not be empty (got \`${token}\`)`);
  const path = splitKey(key);
  if (path.some((p) => p === '')) throw new CliError('E_CLI_BAD_ARGS', `payload key has an empty segment (got \`${key}\`)`);
  return { path, value: typeValue(token.slice(eq + 1)) };
}

/** JSON first (`100`, `true`, `null`, `[1]`, `{"a":1}`, `"quoted"`), else the raw string. */
export function typeValue(raw: string): unknown {
  try {
    return JSON.parse(raw);
  } catch {
    return raw;
  }
}

function splitKey(key: string): string[] {
  const parts: string[] = [];
  let current = '';
  for (let i = 0; i < key.length; i++) {
    const ch = key[i];
    if (ch === '\\' && key[i + 1] === '.') {
      current += '.';
      i++;
    } else if (ch === '.') {
      parts.push(current);
      current = '';
    } else current += ch;
  }
  parts.push(current);
  return parts;
}

function setPath(target: JsonObject, path: readonly string[], value: unknown, token: string): void {
  let node = target;
  for (const [i, segment] of path.slice(0, -1).entries()) {
    const next = Object.hasOwn(node, segment) ? node[segment] : undefined;
    if (next === undefined) define(node, segment, {});
    else if (!isObject(next)) {
      const at = path.slice(0, i + 1).join('.');
      throw new CliError('E_CLI_BAD_ARGS', `\`${token}\`: \`${at}\` already holds a value, it cannot also hold keys`);
    }
    node = node[segment] as JsonObject;
  }
  define(node, path[path.length - 1] as string, value);
}

/** Own-property write, so a `__proto__` key is data, never a prototype change. */
function define(node: JsonObject, key: string, value: unknown): void {
  Object.defineProperty(node, key, { value, enumerable: true, writable: true, configurable: true });
}

function isObject(v: unknown): v is JsonObject {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}
