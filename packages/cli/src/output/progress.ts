/**
 * Progress of long work (installing a worker's dependencies, waiting for it to connect). On a terminal,
 * one live line redrawn in place (`\r` + erase line), cut to the terminal width; otherwise (pipes, CI,
 * log files) plain lines, one per change of `key`, so logs get the steps without the redraw noise.
 *
 * @example
 * const p = progress(io);
 * p.update('link: installing (12 s) — added 80 packages', 'installing');
 * p.done('✓ link is running');
 */
import type { CliIO } from './io.ts';

export interface Progress {
  /** Show `text`; off a terminal it is printed only when `key` (default: the text) changed. */
  update(text: string, key?: string): void;
  /** Clear the live line and print `text` (if any) as a normal line. */
  done(text?: string): void;
}

const CLEAR_LINE = '\r\x1b[2K';

export function progress(io: CliIO): Progress {
  if (io.errIsTTY) {
    let live = false;
    const width = Math.max(20, (io.columns ?? 80) - 1);
    return {
      update(text) {
        io.err(`${CLEAR_LINE}${cut(text, width)}`);
        live = true;
      },
      done(text) {
        if (live) io.err(CLEAR_LINE);
        live = false;
        if (text !== undefined) io.err(`${text}\n`);
      },
    };
  }
  let lastKey: string | undefined;
  return {
    update(text, key = text) {
      if (key === lastKey) return;
      lastKey = key;
      io.err(`${text}\n`);
    },
    done(text) {
      lastKey = undefined;
      if (text !== undefined) io.err(`${text}\n`);
    },
  };
}

/** One line of at most `width` characters (control characters shown as spaces). */
function cut(text: string, width: number): string {
  // Control characters (a worker's own `\r` redraws, escape codes) would break the one line.
  const flat = [...text].map((c) => (c < ' ' || c === '\x7f' ? ' ' : c)).join('');
  return flat.length <= width ? flat : `${flat.slice(0, width - 1)}…`;
}
