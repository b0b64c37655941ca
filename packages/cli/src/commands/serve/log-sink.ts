/**
 * A worker's output: every line goes to the console prefixed with the worker name and, raw, to
 * `<project>/.iii/logs/<name>/{stdout,stderr}.log` for `iii worker logs`.
 */
import { appendFileSync, mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { Readable } from 'node:stream';
import type { LogFormat } from '@triad/engine';
import type { CliIO } from '../../output/io.ts';
import { statusLine } from '../../output/log-line.ts';

export type StreamName = 'stdout' | 'stderr';

export class LogSink {
  private readonly partial: Record<StreamName, string> = { stdout: '', stderr: '' };
  private readonly taps: Array<(line: string, which: StreamName) => void> = [];

  /** Truncates both files: each `iii` session starts fresh logs (restarts within it append). */
  constructor(
    private readonly name: string,
    private readonly dir: string,
    private readonly io: CliIO,
    /** Masked as *** wherever a worker prints it (the SDK logs its engine URL, which may carry it). */
    private readonly secret?: string,
    private readonly format?: LogFormat,
  ) {
    mkdirSync(dir, { recursive: true });
    writeFileSync(join(dir, 'stdout.log'), '');
    writeFileSync(join(dir, 'stderr.log'), '');
  }

  attach(stream: Readable, which: StreamName): void {
    stream.setEncoding('utf8');
    stream.on('data', (chunk: string) => this.write(which, chunk));
    stream.on('end', () => this.flush(which));
  }

  /** Also hand every complete line (masked) to `fn` (the supervisor keeps the recent ones for error reports). */
  tap(fn: (line: string, which: StreamName) => void): void {
    this.taps.push(fn);
  }

  /** A line from the supervisor itself (install, restart notices), logged to stderr.log too. */
  note(text: string): void {
    this.write('stderr', `${text}\n`);
  }

  private write(which: StreamName, raw: string): void {
    const chunk = this.mask(raw);
    appendFileSync(join(this.dir, `${which}.log`), chunk);
    const lines = (this.partial[which] + chunk).split('\n');
    this.partial[which] = lines.pop() ?? '';
    for (const line of lines) this.emit(which, line);
  }

  private mask(text: string): string {
    if (!this.secret) return text;
    return text.split(this.secret).join('***').split(encodeURIComponent(this.secret)).join('***');
  }

  private flush(which: StreamName): void {
    if (this.partial[which] !== '') this.emit(which, this.partial[which]);
    this.partial[which] = '';
  }

  private emit(which: StreamName, line: string): void {
    const msg = line.replace(/\r$/, '');
    for (const tap of this.taps) tap(msg, which);
    const text = statusLine(
      this.format,
      { level: 'info', scope: `worker:${this.name}`, msg, fields: { stream: which } },
      `[${this.name}] ${msg}`,
    );
    if (which === 'stdout') this.io.out(text);
    else this.io.err(text);
  }
}
