/**
 * A status line `iii` prints itself (banner, warnings, supervisor notes, worker output): the text as
 * always in `text` mode; in `json` mode a record shaped like the engine's log lines, so that with
 * `--log-format json` everything the process writes is one JSON object per line.
 */
import { formatLogLine, type LogFormat, type LogLevel } from '@triad/engine';

export function statusLine(
  format: LogFormat | undefined,
  rec: { level: LogLevel; scope: string; msg: string; fields?: Record<string, unknown> },
  text: string = rec.msg,
): string {
  return `${format === 'json' ? formatLogLine('json', rec) : text}\n`;
}
