/** Pure rendering helpers: sorted pretty JSON, one-line coded errors, aligned tables. */
import { formatLogLine } from '@triad/engine';
import type { CliError } from './cli-error.ts';

/**
 * Recursively sort object keys, as the reference engine's key-sorted maps do, so CLI output is
 * stable and matches the tutorial's printed samples.
 */
export function sortKeysDeep(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(sortKeysDeep);
  if (value !== null && typeof value === 'object') {
    const out: Record<string, unknown> = {};
    for (const key of Object.keys(value).sort()) {
      // defineProperty: a `__proto__` key is data, never a prototype change.
      Object.defineProperty(out, key, {
        value: sortKeysDeep((value as Record<string, unknown>)[key]),
        enumerable: true,
        writable: true,
        configurable: true,
      });
    }
    return out;
  }
  return value;
}

/** 2-space pretty JSON with sorted keys and a trailing newline; '' for null/undefined (nothing is printed). */
export function formatResult(value: unknown): string {
  if (value === null || value === undefined) return '';
  return `${JSON.stringify(sortKeysDeep(value), null, 2)}\n`;
}

/** `error[E_CODE]: message` (+ `hint: …` on its own line); a JSON log record with `--log-format json`. */
export function formatError(err: CliError): string {
  if (err.logFormat === 'json') {
    const fields = { code: err.code, ...(err.hint ? { hint: oneLine(err.hint) } : {}) };
    return `${formatLogLine('json', { level: 'error', scope: 'iii', msg: oneLine(err.message), fields })}\n`;
  }
  const first = `error[${err.code}]: ${oneLine(err.message)}\n`;
  return err.hint ? `${first}  hint: ${oneLine(err.hint)}\n` : first;
}

export function oneLine(text: string): string {
  return text.replace(/\s*[\r\n]+\s*/g, ' ').trim();
}

/** Left-aligned columns separated by two spaces; cells are collapsed to one line. */
export function formatTable(header: readonly string[], rows: readonly (readonly string[])[]): string {
  const all = [header, ...rows].map((r) => r.map((c) => oneLine(c)));
  const widths = header.map((_, i) => Math.max(...all.map((r) => (r[i] ?? '').length)));
  return `${all
    .map((r) =>
      r
        .map((c, i) => c.padEnd(widths[i] ?? 0))
        .join('  ')
        .trimEnd(),
    )
    .join('\n')}\n`;
}
