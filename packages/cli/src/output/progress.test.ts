import assert from 'node:assert/strict';
import { test } from 'node:test';
import { memoryIO } from './io.ts';
import { progress } from './progress.ts';

test('off a terminal: one plain line per change of key, then the final line', () => {
  const io = memoryIO();
  const p = progress(io);
  p.update('link: installing dependencies (0 s)', 'installing');
  p.update('link: installing dependencies (1 s) — added 3 packages', 'installing');
  p.update('link: starting (2 s)', 'starting');
  p.done('✓ link is running');
  assert.equal(io.stderr, 'link: installing dependencies (0 s)\nlink: starting (2 s)\n✓ link is running\n');
});

test('on a terminal: one live line redrawn in place, cut to the width, cleared at the end', () => {
  const io = memoryIO({ columns: 30 });
  const p = progress(io);
  p.update('link: installing dependencies (0 s)');
  p.update('link: starting\r\x1b[31m(2 s)');
  p.done('✓ link is running');
  assert.equal(io.stderr, '\r\x1b[2Klink: installing dependencie…' + '\r\x1b[2Klink: starting  [31m(2 s)' + '\r\x1b[2K✓ link is running\n');
  assert.ok(!io.stderr.slice(0, -1).includes('\n'), 'no newline before the end');
});
