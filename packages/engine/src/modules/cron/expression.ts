/**
 * Cron expressions in the dialect of the Rust `cron` crate (0.15), which the reference engine uses:
 * `sec min hour day-of-month month day-of-week [year]`, seconds first, all times UTC.
 *
 * - `*` / `?`, lists `1,5`, ranges `1-10`, steps `*\/5`, `1-10/2`, `5/10` (= 5-max/10).
 * - Months 1–12 or JAN–DEC; day-of-week 1–7 with **Sunday = 1** (the crate's numbering, not Unix 0–6)
 *   or SUN–SAT. Names are case-insensitive, 3-letter or full (`MON`, `Monday`).
 * - Year 1970–2100 (optional 7th field; absent = every year).
 * - `@yearly`/`@annually`, `@monthly`, `@weekly`, `@daily`/`@midnight`, `@hourly` shortcuts.
 * - A classic 5-field (Unix) expression is refused: its fields would silently shift by one.
 *
 * Day-of-month and day-of-week: the crate requires BOTH to match (unlike Vixie cron, where a
 * restricted pair is ORed). `0 0 0 1 * MON` therefore fires only on a Monday that is the 1st.
 */
import { EngineError } from '../../core/errors/index.ts';

export interface CronSchedule {
  readonly source: string;
  readonly seconds: ReadonlySet<number>;
  readonly minutes: ReadonlySet<number>;
  readonly hours: ReadonlySet<number>;
  readonly daysOfMonth: ReadonlySet<number>;
  readonly months: ReadonlySet<number>;
  /** 1–7, Sunday = 1. */
  readonly daysOfWeek: ReadonlySet<number>;
  /** Undefined = every year. */
  readonly years: ReadonlySet<number> | undefined;
}

interface FieldSpec {
  name: string;
  min: number;
  max: number;
  names?: readonly string[];
}

const MONTHS = ['jan', 'feb', 'mar', 'apr', 'may', 'jun', 'jul', 'aug', 'sep', 'oct', 'nov', 'dec'];
const FULL_MONTHS = [
  'january',
  'february',
  'march',
  'april',
  'may',
  'june',
  'july',
  'august',
  'september',
  'october',
  'november',
  'december',
];
const DAYS = ['sun', 'mon', 'tue', 'wed', 'thu', 'fri', 'sat'];
const FULL_DAYS = ['sunday', 'monday', 'tuesday', 'wednesday', 'thursday', 'friday', 'saturday'];
export const MIN_YEAR = 1970;
export const MAX_YEAR = 2100;

const FIELDS: readonly FieldSpec[] = [
  { name: 'seconds', min: 0, max: 59 },
  { name: 'minutes', min: 0, max: 59 },
  { name: 'hours', min: 0, max: 23 },
  { name: 'day-of-month', min: 1, max: 31 },
  { name: 'month', min: 1, max: 12, names: MONTHS },
  { name: 'day-of-week', min: 1, max: 7, names: DAYS },
  { name: 'year', min: MIN_YEAR, max: MAX_YEAR },
];

const SHORTCUTS: Record<string, string> = {
  '@yearly': '0 0 0 1 1 *',
  '@annually': '0 0 0 1 1 *',
  '@monthly': '0 0 0 1 * *',
  '@weekly': '0 0 0 * * 1',
  '@daily': '0 0 0 * * *',
  '@midnight': '0 0 0 * * *',
  '@hourly': '0 0 * * * *',
};

function invalid(expr: string, why: string): EngineError {
  return new EngineError('E_CRON_BAD_EXPRESSION', `Invalid cron expression '${expr}': ${why}`);
}

function parseValue(token: string, spec: FieldSpec, expr: string): number {
  if (/^\d+$/.test(token)) {
    const n = Number(token);
    if (n < spec.min || n > spec.max) throw invalid(expr, `${spec.name} value ${n} is out of range ${spec.min}-${spec.max}`);
    return n;
  }
  const lower = token.toLowerCase();
  const full = spec.names === MONTHS ? FULL_MONTHS : spec.names === DAYS ? FULL_DAYS : undefined;
  const idx = spec.names ? (spec.names.includes(lower) ? spec.names.indexOf(lower) : (full?.indexOf(lower) ?? -1)) : -1;
  if (idx < 0) throw invalid(expr, `${spec.name} has an unknown value '${token}'`);
  return spec.min + idx;
}

function parsePart(part: string, spec: FieldSpec, expr: string, out: Set<number>): void {
  const [base = '', stepText, extra] = part.split('/');
  if (extra !== undefined || base === '') throw invalid(expr, `${spec.name} has a malformed part '${part}'`);
  let step = 1;
  if (stepText !== undefined) {
    if (!/^\d+$/.test(stepText) || Number(stepText) === 0) throw invalid(expr, `${spec.name} has a bad step '${stepText}'`);
    step = Number(stepText);
  }
  let lo: number;
  let hi: number;
  if (base === '*' || base === '?') {
    lo = spec.min;
    hi = spec.max;
  } else if (base.includes('-')) {
    const [a = '', b = '', more] = base.split('-');
    if (more !== undefined) throw invalid(expr, `${spec.name} has a malformed range '${base}'`);
    lo = parseValue(a, spec, expr);
    hi = parseValue(b, spec, expr);
    if (lo > hi) throw invalid(expr, `${spec.name} range '${base}' runs backwards`);
  } else {
    lo = parseValue(base, spec, expr);
    // `5/10` means "from 5, every 10" up to the field maximum; a bare value is just itself.
    hi = stepText === undefined ? lo : spec.max;
  }
  for (let v = lo; v <= hi; v += step) out.add(v);
}

function parseField(text: string, spec: FieldSpec, expr: string): Set<number> {
  const out = new Set<number>();
  for (const part of text.split(',')) parsePart(part, spec, expr, out);
  return out;
}

/** Parse a 6- or 7-field expression (or an `@` shortcut). Throws `E_CRON_BAD_EXPRESSION`. */
export function parseCron(expression: string): CronSchedule {
  const trimmed = expression.trim();
  const text = SHORTCUTS[trimmed.toLowerCase()] ?? trimmed;
  const fields = text === '' ? [] : text.split(/\s+/);
  if (fields.length !== 6 && fields.length !== 7) {
    throw invalid(
      expression,
      `expected 6 or 7 fields (sec min hour day-of-month month day-of-week [year]) with seconds first, got ${fields.length}`,
    );
  }
  const sets = fields.map((f, i) => parseField(f, FIELDS[i] as FieldSpec, expression));
  const [seconds, minutes, hours, daysOfMonth, months, daysOfWeek, years] = sets as [
    Set<number>,
    Set<number>,
    Set<number>,
    Set<number>,
    Set<number>,
    Set<number>,
    Set<number> | undefined,
  ];
  return { source: expression, seconds, minutes, hours, daysOfMonth, months, daysOfWeek, years };
}

/**
 * The first fire time strictly after `after` (whole seconds, UTC), or `undefined` when none is left
 * before the end of MAX_YEAR. Walks field by field, jumping to the start of the next
 * year/month/day/hour/minute whenever a coarser field does not match, so it is bounded and fast.
 */
export function nextAfter(schedule: CronSchedule, after: Date): Date | undefined {
  let t = Math.floor(after.getTime() / 1000) * 1000 + 1000;
  // Each iteration moves t forward by at least one unit; this bound is far above any real walk.
  for (let guard = 0; guard < 1_000_000; guard++) {
    const d = new Date(t);
    const y = d.getUTCFullYear();
    const mo = d.getUTCMonth();
    const day = d.getUTCDate();
    const h = d.getUTCHours();
    const mi = d.getUTCMinutes();
    if (y > MAX_YEAR) return undefined;
    if (schedule.years && !schedule.years.has(y)) t = Date.UTC(y + 1, 0, 1);
    else if (!schedule.months.has(mo + 1)) t = Date.UTC(y, mo + 1, 1);
    else if (!schedule.daysOfMonth.has(day) || !schedule.daysOfWeek.has(d.getUTCDay() + 1)) t = Date.UTC(y, mo, day + 1);
    else if (!schedule.hours.has(h)) t = Date.UTC(y, mo, day, h + 1);
    else if (!schedule.minutes.has(mi)) t = Date.UTC(y, mo, day, h, mi + 1);
    else if (!schedule.seconds.has(d.getUTCSeconds())) t += 1000;
    else return d;
  }
  return undefined;
}
