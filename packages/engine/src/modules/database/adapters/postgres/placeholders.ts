/**
 * Accept SQLite-style `?` placeholders on PostgreSQL by rewriting them to `$1, $2, ...` — only where
 * they are SQL code: never inside '...' / E'...' strings, "quoted identifiers", $tag$ dollar-quoted
 * bodies or comments. Text that already uses `$n` is left untouched, because there `?` can only be
 * the jsonb operator (`data ? 'key'`); to use that operator, write `$n` placeholders.
 */

/** Index just past the literal / comment starting at `i`, or `i` when none starts there. */
function skipQuoted(sql: string, i: number): number {
  const c = sql[i];
  if (c === "'" || c === '"') {
    // E'...' strings allow backslash escapes; plain ones only the doubled quote.
    const backslash = c === "'" && /[eE]/.test(sql[i - 1] ?? '') && !/\w/.test(sql[i - 2] ?? '');
    let j = i + 1;
    while (j < sql.length) {
      if (backslash && sql[j] === '\\') j += 2;
      else if (sql[j] === c && sql[j + 1] === c) j += 2;
      else if (sql[j] === c) return j + 1;
      else j++;
    }
    return sql.length;
  }
  if (c === '-' && sql[i + 1] === '-') {
    const nl = sql.indexOf('\n', i);
    return nl === -1 ? sql.length : nl + 1;
  }
  if (c === '/' && sql[i + 1] === '*') return skipBlockComment(sql, i);
  if (c === '$') {
    const tag = /^\$([A-Za-z_][A-Za-z0-9_]*)?\$/.exec(sql.slice(i));
    if (tag && !/\w/.test(sql[i - 1] ?? '')) {
      const end = sql.indexOf(tag[0], i + tag[0].length);
      return end === -1 ? sql.length : end + tag[0].length;
    }
  }
  return i;
}

/** PostgreSQL block comments nest. */
function skipBlockComment(sql: string, i: number): number {
  let depth = 0;
  let j = i;
  while (j < sql.length) {
    if (sql.startsWith('/*', j)) {
      depth++;
      j += 2;
    } else if (sql.startsWith('*/', j)) {
      depth--;
      j += 2;
      if (depth === 0) return j;
    } else j++;
  }
  return sql.length;
}

/** Split SQL into code and non-code (literal/comment) segments. */
function segments(sql: string): { code: boolean; text: string }[] {
  const out: { code: boolean; text: string }[] = [];
  let start = 0;
  let i = 0;
  while (i < sql.length) {
    const end = skipQuoted(sql, i);
    if (end === i) {
      i++;
      continue;
    }
    if (i > start) out.push({ code: true, text: sql.slice(start, i) });
    out.push({ code: false, text: sql.slice(i, end) });
    start = i = end;
  }
  if (start < sql.length) out.push({ code: true, text: sql.slice(start) });
  return out;
}

/** `SELECT * FROM t WHERE a = ? AND b = '?'` → `SELECT * FROM t WHERE a = $1 AND b = '?'`. */
export function rewritePlaceholders(sql: string): string {
  if (!sql.includes('?')) return sql;
  const parts = segments(sql);
  if (parts.some((p) => p.code && /\$\d/.test(p.text))) return sql;
  let n = 0;
  return parts.map((p) => (p.code ? p.text.replace(/\?/g, () => `$${++n}`) : p.text)).join('');
}
