/**
 * The upload's progress line: `rows sent 1,200 · imported 1,150 · refused 2 · 1,530 rows/s`. On a
 * terminal it is redrawn in place (`\r` + erase line); otherwise (a pipe, a CI log) a plain line is
 * printed at most once a second and only when the counts moved, plus the final one.
 */
export interface Counts {
  sent: number;
  imported: number;
  refused: number;
}

export interface ProgressOutput {
  write(text: string): unknown;
  isTTY?: boolean;
}

const CLEAR_LINE = '\r\x1b[2K';
const fmt = (n: number): string => n.toLocaleString('en-US');

export function formatProgress(c: Counts, elapsedMs: number): string {
  const done = c.imported + c.refused;
  const rate = elapsedMs > 0 ? Math.round((done * 1000) / elapsedMs) : 0;
  return `rows sent ${fmt(c.sent)} · imported ${fmt(c.imported)} · refused ${fmt(c.refused)} · ${fmt(rate)} rows/s`;
}

export function progressLine(out: ProgressOutput): {
  update(c: Counts, elapsedMs: number): void;
  done(c: Counts, elapsedMs: number): void;
} {
  let lastText = '';
  let lastAt = 0;
  return {
    update(c, elapsedMs) {
      const text = formatProgress(c, elapsedMs);
      if (out.isTTY) {
        out.write(`${CLEAR_LINE}${text}`);
        return;
      }
      const moved = text.replace(/ · [\d,]+ rows\/s$/, '') !== lastText.replace(/ · [\d,]+ rows\/s$/, '');
      if (!moved || Date.now() - lastAt < 1000) return;
      lastText = text;
      lastAt = Date.now();
      out.write(`${text}\n`);
    },
    done(c, elapsedMs) {
      out.write(`${out.isTTY ? CLEAR_LINE : ''}${formatProgress(c, elapsedMs)} (done)\n`);
    },
  };
}
