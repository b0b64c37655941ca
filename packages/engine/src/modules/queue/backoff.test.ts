import assert from 'node:assert/strict';
import { it } from 'node:test';
import { computeBackoff } from './backoff.ts';

it('exponential backoff doubles from the base delay (1 s, 2 s, 4 s)', () => {
  const spec = { type: 'exponential', delay: 1000 } as const;
  assert.deepEqual(
    [1, 2, 3].map((n) => computeBackoff(spec, n)),
    [1000, 2000, 4000],
  );
});

it('fixed backoff keeps the delay; jitter draws from [delay × (1 − jitter), delay]', () => {
  assert.equal(computeBackoff({ type: 'fixed', delay: 500 }, 7), 500);
  assert.equal(
    computeBackoff({ type: 'fixed', delay: 1000, jitter: 0.5 }, 1, () => 0),
    1000,
  );
  assert.equal(
    computeBackoff({ type: 'fixed', delay: 1000, jitter: 0.5 }, 1, () => 1),
    500,
  );
});

it('caps runaway exponential delays at a day', () => {
  assert.equal(computeBackoff({ type: 'exponential', delay: 1000 }, 80), 24 * 60 * 60 * 1000);
});
