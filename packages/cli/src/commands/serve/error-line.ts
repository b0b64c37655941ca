/**
 * The one line of a failed script's output worth showing first: the package manager's own error
 * (`npm error notarget No matching version found for …`, pip's `ERROR: …`, cargo's `error: …`), not
 * its `code`/`path`/log-file chatter; else the last line printed.
 */
const ERROR_LINE = /^(npm (error|ERR!)|ERROR:|error(\[[^\]]*\])?:|\w*Error:|fatal:)/;
const CHATTER = /^npm (error|ERR!) (code|errno|syscall|path|signal|command|cwd|A complete log|Log files|\s*$)/;

export function errorLine(lines: readonly string[]): string | undefined {
  const trimmed = lines.map((l) => l.trim()).filter((l) => l !== '');
  const errors = trimmed.filter((l) => ERROR_LINE.test(l));
  return errors.find((l) => !CHATTER.test(l)) ?? errors[0] ?? trimmed.at(-1);
}

/** The last `max` lines written to it, for error reports and progress. */
export class RecentLines {
  private readonly lines: string[] = [];

  constructor(private readonly max = 200) {}

  push(line: string): void {
    this.lines.push(line);
    if (this.lines.length > this.max) this.lines.shift();
  }

  clear(): void {
    this.lines.length = 0;
  }

  all(): readonly string[] {
    return this.lines;
  }

  last(): string | undefined {
    return this.lines.findLast((l) => l.trim() !== '');
  }
}
