import assert from 'node:assert/strict';
import { test } from 'node:test';
import { nextAfter, parseCron } from './expression.ts';

const at = (iso: string): Date => new Date(iso);
/** The next `n` fire times after `from`, as ISO strings. */
function walk(expr: string, from: string, n = 1): string[] {
  const schedule = parseCron(expr);
  const out: string[] = [];
  let t = at(from);
  for (let i = 0; i < n; i++) {
    const next = nextAfter(schedule, t);
    if (!next) break;
    out.push(next.toISOString());
    t = next;
  }
  return out;
}

test('every second and steps', () => {
  assert.deepEqual(walk('* * * * * *', '2026-01-01T00:00:00.500Z', 3), [
    '2026-01-01T00:00:01.000Z',
    '2026-01-01T00:00:02.000Z',
    '2026-01-01T00:00:03.000Z',
  ]);
  assert.deepEqual(walk('*/20 * * * * *', '2026-01-01T00:00:00Z', 3), [
    '2026-01-01T00:00:20.000Z',
    '2026-01-01T00:00:40.000Z',
    '2026-01-01T00:01:00.000Z',
  ]);
  // `a-b/n` and `a/n` (from a to the field maximum).
  assert.deepEqual(parseCron('1-10/3 5/20 * * * *').seconds, new Set([1, 4, 7, 10]));
  assert.deepEqual(parseCron('1-10/3 5/20 * * * *').minutes, new Set([5, 25, 45]));
});

test('lists, ranges, and strictly-after semantics', () => {
  assert.deepEqual(walk('0 15,45 9-10 * * *', '2026-03-04T09:15:00Z', 4), [
    '2026-03-04T09:45:00.000Z',
    '2026-03-04T10:15:00.000Z',
    '2026-03-04T10:45:00.000Z',
    '2026-03-05T09:15:00.000Z',
  ]);
});

test('month and day names; day-of-week is 1-7 with Sunday = 1', () => {
  // 2026-01-04 is a Sunday.
  assert.deepEqual(walk('0 0 12 * * 1', '2026-01-01T00:00:00Z'), ['2026-01-04T12:00:00.000Z']);
  assert.deepEqual(walk('0 0 12 * * SUN', '2026-01-01T00:00:00Z'), ['2026-01-04T12:00:00.000Z']);
  assert.deepEqual(walk('0 0 12 * * Mon-Fri', '2026-01-02T13:00:00Z', 2), ['2026-01-05T12:00:00.000Z', '2026-01-06T12:00:00.000Z']);
  assert.deepEqual(walk('0 0 0 1 MAR,jun *', '2026-01-01T00:00:00Z', 2), ['2026-03-01T00:00:00.000Z', '2026-06-01T00:00:00.000Z']);
  assert.deepEqual(walk('0 0 0 1 * Saturday', '2026-01-01T00:00:00Z'), ['2026-08-01T00:00:00.000Z']);
  assert.throws(() => parseCron('0 0 0 * * 0'), /day-of-week value 0 is out of range 1-7/);
});

test('day-of-month AND day-of-week must both match (Rust cron crate semantics)', () => {
  // The 13th that is a Friday (6): 2026-02-13, then 2026-03-13.
  assert.deepEqual(walk('0 0 0 13 * FRI', '2026-01-01T00:00:00Z', 2), ['2026-02-13T00:00:00.000Z', '2026-03-13T00:00:00.000Z']);
});

test('end of month and Feb 29', () => {
  assert.deepEqual(walk('0 0 0 31 * *', '2026-01-31T00:00:00Z', 3), [
    '2026-03-31T00:00:00.000Z',
    '2026-05-31T00:00:00.000Z',
    '2026-07-31T00:00:00.000Z',
  ]);
  assert.deepEqual(walk('0 0 0 29 2 *', '2026-01-01T00:00:00Z', 2), ['2028-02-29T00:00:00.000Z', '2032-02-29T00:00:00.000Z']);
  assert.deepEqual(walk('59 59 23 31 12 *', '2026-12-31T23:59:59Z'), ['2027-12-31T23:59:59.000Z']);
  // A date that never exists yields no fire time at all, quickly.
  assert.deepEqual(walk('0 0 0 30 2 *', '2026-01-01T00:00:00Z'), []);
});

test('year field', () => {
  assert.deepEqual(walk('0 0 0 1 1 * 2030,2032', '2026-06-01T00:00:00Z', 3), ['2030-01-01T00:00:00.000Z', '2032-01-01T00:00:00.000Z']);
  assert.deepEqual(walk('0 0 0 1 1 * 2020', '2026-06-01T00:00:00Z'), []);
  assert.throws(() => parseCron('0 0 0 1 1 * 1969'), /year value 1969 is out of range/);
});

test('shortcuts', () => {
  assert.deepEqual(walk('@daily', '2026-01-01T10:00:00Z'), ['2026-01-02T00:00:00.000Z']);
  assert.deepEqual(walk('@hourly', '2026-01-01T10:00:00Z'), ['2026-01-01T11:00:00.000Z']);
});

test('refused expressions carry E_CRON_BAD_EXPRESSION and show the expression', () => {
  assert.throws(() => parseCron('*/5 * * * *'), {
    code: 'E_CRON_BAD_EXPRESSION',
    message:
      "Invalid cron expression '*/5 * * * *': expected 6 or 7 fields (sec min hour day-of-month month day-of-week [year]) with seconds first, got 5",
  });
  for (const bad of [
    '',
    '* * * * * * * *',
    '60 * * * * *',
    '* * * * 13 *',
    '*/0 * * * * *',
    '5-1 * * * * *',
    'a * * * * *',
    '* * * * FOO *',
    '1-2-3 * * * * *',
    '1/2/3 * * * * *',
    ', * * * * *',
  ]) {
    assert.throws(() => parseCron(bad), { code: 'E_CRON_BAD_EXPRESSION' }, bad);
  }
});

test('nextAfter agrees with a second-by-second scan on generated expressions', () => {
  // Deterministic LCG so a failure reproduces; seconds/minutes vary, so the next fire is within an hour.
  let seed = 42;
  const rand = (n: number): number => {
    seed = (seed * 1103515245 + 12345) % 2 ** 31;
    return seed % n;
  };
  const field = (max: number): string => {
    const a = rand(max);
    const b = a + rand(max - a);
    return [`${a}`, `${a}-${b}`, `*/${1 + rand(20)}`, `${a}-${b}/${1 + rand(5)}`, `${a},${b}`, '*'][rand(6)] as string;
  };
  for (let i = 0; i < 200; i++) {
    const expr = `${field(60)} ${field(60)} * * * *`;
    const schedule = parseCron(expr);
    const from = new Date(Date.UTC(2026, rand(12), 1 + rand(28), rand(24), rand(60), rand(60), rand(1000)));
    let expected: number | undefined;
    for (let t = Math.floor(from.getTime() / 1000) * 1000 + 1000; t <= from.getTime() + 3_601_000; t += 1000) {
      const d = new Date(t);
      if (schedule.seconds.has(d.getUTCSeconds()) && schedule.minutes.has(d.getUTCMinutes())) {
        expected = t;
        break;
      }
    }
    assert.equal(nextAfter(schedule, from)?.getTime(), expected, `${expr} after ${from.toISOString()}`);
  }
});
