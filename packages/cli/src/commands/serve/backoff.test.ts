import assert from 'node:assert/strict';
import { test } from 'node:test';
import { Backoff } from './backoff.ts';

test('delays double from 1 s to a 30 s cap', () => {
  const b = new Backoff();
  assert.deepEqual(
    Array.from({ length: 8 }, () => b.next(10)),
    [1000, 2000, 4000, 8000, 16000, 30000, 30000, 30000],
  );
});

test('a run of 60 s or more resets the delay', () => {
  const b = new Backoff();
  b.next(0);
  b.next(0);
  assert.equal(b.next(59_999), 4000);
  assert.equal(b.next(60_000), 1000);
  assert.equal(b.next(5), 2000);
});
