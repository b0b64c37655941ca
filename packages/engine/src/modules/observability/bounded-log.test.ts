import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { BoundedLog } from './bounded-log.ts';

describe('BoundedLog', () => {
  it('keeps the newest maxCount items', () => {
    const log = new BoundedLog<number>(3, 60_000);
    for (let i = 0; i < 5000; i++) log.push(i);
    assert.deepEqual(log.items(), [4997, 4998, 4999]);
    assert.equal(log.size, 3);
  });

  it('drops items older than the retention window (injected clock)', () => {
    let now = 1000;
    const log = new BoundedLog<string>(10, 500, () => now);
    log.push('old');
    now = 1400;
    log.push('new');
    now = 1600;
    assert.deepEqual(log.items(), ['new']);
    log.setLimits(10, 100);
    assert.deepEqual(log.items(), []);
  });
});
