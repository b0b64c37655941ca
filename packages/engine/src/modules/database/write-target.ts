/**
 * Which table a write statement changes, and how: what `database::row-changed` needs to announce a
 * write made through this worker. A look at the statement's head only (the database already ran it):
 *
 * @example
 * writeTarget('INSERT OR IGNORE INTO "Links" (code) VALUES (?)')  // { table: 'Links', op: 'insert' }
 * writeTarget('DELETE FROM public.clicks WHERE id = $1')           // { table: 'clicks', op: 'delete' }
 * writeTarget('SELECT 1')                                          // undefined
 *
 * Not recognised (so not announced): `WITH … INSERT` (a CTE in front of the write), PostgreSQL `MERGE`,
 * MySQL multi-table `DELETE t1, t2 FROM …`. A schema prefix is dropped: events name the bare table.
 */
import { skipLeadingNoise } from './sql-text.ts';

export const ROW_OPS = ['insert', 'update', 'delete'] as const;
export type RowOp = (typeof ROW_OPS)[number];

export interface WriteTarget {
  /** Bare table name as written, quotes removed (`"Links"` → `Links`, `public.clicks` → `clicks`). */
  table: string;
  op: RowOp;
}

/** Words that may sit between the verb and the table; `OR` takes the next word with it (SQLite's `INSERT OR REPLACE`). */
const MODIFIERS = new Set(['IGNORE', 'LOW_PRIORITY', 'DELAYED', 'HIGH_PRIORITY', 'QUICK', 'ONLY', 'INTO', 'FROM']);
const VERBS: Record<string, RowOp> = { INSERT: 'insert', REPLACE: 'insert', UPDATE: 'update', DELETE: 'delete' };
const QUOTES: Record<string, string> = { '"': '"', '`': '`', '[': ']' };

interface Token {
  text: string;
  quoted: boolean;
  end: number;
}

/** The token at `from`: a bare word, or a quoted identifier (`"…"`, `` `…` ``, `[…]`, doubled closers unescaped). */
function token(sql: string, from: number): Token | undefined {
  const i = skipLeadingNoise(sql, from);
  const open = sql[i] ?? '';
  const close = QUOTES[open];
  if (close === undefined) {
    const m = /^[A-Za-z_][A-Za-z0-9_$]*/.exec(sql.slice(i));
    return m ? { text: m[0], quoted: false, end: i + m[0].length } : undefined;
  }
  let text = '';
  for (let j = i + 1; j < sql.length; j++) {
    if (sql[j] !== close) {
      text += sql[j];
      continue;
    }
    if (close !== ']' && sql[j + 1] === close) {
      text += close;
      j++;
      continue;
    }
    return { text, quoted: true, end: j + 1 };
  }
  return undefined;
}

/** A possibly dotted name (`schema.table`): the last part. */
function tableName(sql: string, first: Token): string {
  let last = first;
  while (sql[last.end] === '.') {
    const next = token(sql, last.end + 1);
    if (!next) break;
    last = next;
  }
  return last.text;
}

export function writeTarget(sql: string): WriteTarget | undefined {
  const verb = token(sql, 0);
  const op = verb && !verb.quoted ? VERBS[verb.text.toUpperCase()] : undefined;
  if (!verb || !op) return undefined;
  let at = verb.end;
  let sawFrom = false;
  for (;;) {
    const t = token(sql, at);
    if (!t) return undefined;
    const word = t.quoted ? '' : t.text.toUpperCase();
    if (word === 'OR') {
      at = token(sql, t.end)?.end ?? sql.length;
      continue;
    }
    if (MODIFIERS.has(word)) {
      sawFrom ||= word === 'FROM';
      at = t.end;
      continue;
    }
    // `DELETE t1 FROM …` (MySQL multi-table) names its targets before FROM: not one table.
    if (op === 'delete' && !sawFrom) return undefined;
    return { table: tableName(sql, t), op };
  }
}
