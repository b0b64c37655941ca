import assert from 'node:assert/strict';
import { it } from 'node:test';
import { formatProgress, progressLine } from '../src/progress-line.ts';

const sink = (isTTY: boolean) => {
  const out = { text: '', isTTY, write: (t: string) => (out.text += t) };
  return out;
};

it('formats rows sent, imported, refused and the rate', () => {
  assert.equal(
    formatProgress({ sent: 12000, imported: 11000, refused: 3 }, 2000),
    'rows sent 12,000 · imported 11,000 · refused 3 · 5,502 rows/s',
  );
});

it('on a terminal: one line redrawn in place; otherwise plain lines when the counts moved, and the final one', () => {
  const tty = sink(true);
  const t = progressLine(tty);
  t.update({ sent: 10, imported: 5, refused: 0 }, 1000);
  t.update({ sent: 20, imported: 15, refused: 1 }, 2000);
  t.done({ sent: 20, imported: 19, refused: 1 }, 2500);
  assert.equal(
    tty.text,
    '\r\x1b[2Krows sent 10 · imported 5 · refused 0 · 5 rows/s' +
      '\r\x1b[2Krows sent 20 · imported 15 · refused 1 · 8 rows/s' +
      '\r\x1b[2Krows sent 20 · imported 19 · refused 1 · 8 rows/s (done)\n',
  );
  const plain = sink(false);
  const p = progressLine(plain);
  p.update({ sent: 10, imported: 5, refused: 0 }, 1000);
  p.update({ sent: 10, imported: 6, refused: 0 }, 1100); // within the second: not printed
  p.done({ sent: 10, imported: 10, refused: 0 }, 2000);
  assert.equal(plain.text, 'rows sent 10 · imported 5 · refused 0 · 5 rows/s\nrows sent 10 · imported 10 · refused 0 · 5 rows/s (done)\n');
});
