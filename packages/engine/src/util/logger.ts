/** Structured console logger. One line per event: `HH:MM:SS.mmm LEVEL [scope] message {fields}`. */
export type LogLevel = 'debug' | 'info' | 'warn' | 'error';

export interface Logger {
  debug(msg: string, fields?: Record<string, unknown>): void;
  info(msg: string, fields?: Record<string, unknown>): void;
  warn(msg: string, fields?: Record<string, unknown>): void;
  error(msg: string, fields?: Record<string, unknown>): void;
  child(scope: string): Logger;
}

const ORDER: Record<LogLevel, number> = { debug: 10, info: 20, warn: 30, error: 40 };

export interface LoggerOptions {
  level?: LogLevel | 'silent';
  /** Where lines go; defaults to stderr. */
  sink?: (line: string, level: LogLevel) => void;
}

export function createLogger(scope: string, opts: LoggerOptions = {}): Logger {
  const envLevel = process.env.III_LOG_LEVEL as LogLevel | 'silent' | undefined;
  const level = opts.level ?? envLevel ?? 'info';
  const min = level === 'silent' ? Number.POSITIVE_INFINITY : ORDER[level];
  const sink = opts.sink ?? ((line: string) => process.stderr.write(`${line}\n`));
  const emit = (lvl: LogLevel, msg: string, fields?: Record<string, unknown>): void => {
    if (ORDER[lvl] < min) return;
    const time = new Date().toISOString().slice(11, 23);
    const extra = fields && Object.keys(fields).length > 0 ? ` ${safeJson(fields)}` : '';
    sink(`${time} ${lvl.toUpperCase().padEnd(5)} [${scope}] ${msg}${extra}`, lvl);
  };
  return {
    debug: (m, f) => emit('debug', m, f),
    info: (m, f) => emit('info', m, f),
    warn: (m, f) => emit('warn', m, f),
    error: (m, f) => emit('error', m, f),
    child: (sub) => createLogger(`${scope}:${sub}`, { level, sink }),
  };
}

function safeJson(v: unknown): string {
  try {
    return JSON.stringify(v);
  } catch {
    return '[unserialisable]';
  }
}
