/**
 * Small, dialect-neutral looks at SQL text: what the first keyword is (to refuse transaction control on
 * pooled calls), whether the text is empty, and how to append a RETURNING clause. No parsing beyond
 * skipping comments and whitespace: the database stays the judge of what the SQL means.
 */
import type { SqlDialect } from './adapters/sql-driver.ts';
import { dbError, emptySql, invalidParam } from './errors.ts';

/** Statements that would leave a pooled connection inside (or outside) a transaction behind our back. */
const TRANSACTION_CONTROL = new Set(['BEGIN', 'COMMIT', 'ROLLBACK', 'END', 'ABORT', 'START', 'SAVEPOINT', 'RELEASE', 'PREPARE']);

/** Index of the first character from `from` on that is not whitespace, `;` or inside a comment. */
export function skipLeadingNoise(sql: string, from = 0): number {
  let i = from;
  for (;;) {
    while (i < sql.length && /\s|;/.test(sql[i] ?? '')) i++;
    if (sql.startsWith('--', i)) {
      const nl = sql.indexOf('\n', i);
      i = nl === -1 ? sql.length : nl + 1;
    } else if (sql.startsWith('/*', i)) {
      const end = sql.indexOf('*/', i + 2);
      i = end === -1 ? sql.length : end + 2;
    } else {
      return i;
    }
  }
}

/** Upper-cased first keyword (`SELECT`, `INSERT`, ...), `''` when the text holds no statement. */
export function firstKeyword(sql: string): string {
  const rest = sql.slice(skipLeadingNoise(sql));
  const m = /^[A-Za-z_]+/.exec(rest);
  return m ? m[0].toUpperCase() : rest.length > 0 ? (rest[0] ?? '') : '';
}

/**
 * Refuse what the pooled functions cannot run safely: empty text (DRIVER_ERROR "empty SQL", as the
 * reference) and transaction control (INVALID_PARAM: `database::transaction` is the way to get
 * atomicity). `index` locates the statement in a batch.
 */
export function checkStatement(sql: string, dialect: SqlDialect, index: number | null = null): void {
  const kw = firstKeyword(sql);
  if (kw === '') throw emptySql(dialect, index);
  if (TRANSACTION_CONTROL.has(kw)) {
    throw invalidParam(index, `transaction control statements (${kw}) are not allowed here; use database::transaction`);
  }
}

/** True for statements whose last rowid is meaningful (SQLite: INSERT / REPLACE only). */
export function isInsert(sql: string): boolean {
  const kw = firstKeyword(sql);
  return kw === 'INSERT' || kw === 'REPLACE';
}

/** Quote an identifier (double quotes; backticks on MySQL, where "x" is a string); `*` stays bare. */
function quoteIdent(name: string, dialect: SqlDialect): string {
  if (name === '*') return '*';
  return dialect === 'mysql' ? `\`${name.replaceAll('`', '``')}\`` : `"${name.replaceAll('"', '""')}"`;
}

/**
 * `INSERT ... ;` + `['id']` → `INSERT ... RETURNING "id"` (trailing semicolons dropped first).
 * MariaDB has RETURNING on INSERT / REPLACE / DELETE only: anything else is refused with UNSUPPORTED
 * rather than sent to fail as a syntax error.
 */
export function appendReturning(sql: string, columns: readonly string[], dialect: SqlDialect = 'sqlite'): string {
  if (columns.length === 0) return sql;
  const kw = firstKeyword(sql);
  if (dialect === 'mysql' && !['INSERT', 'REPLACE', 'DELETE'].includes(kw)) {
    throw dbError('UNSUPPORTED', `MySQL/MariaDB support "returning" on INSERT, REPLACE and DELETE only, not ${kw}`, { statement: kw });
  }
  const body = sql.replace(/[\s;]+$/, '');
  return `${body} RETURNING ${columns.map((c) => quoteIdent(c, dialect)).join(', ')}`;
}
