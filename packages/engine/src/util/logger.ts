/**
 * Structured console logger, one line per event, in one of two formats:
 * - `text` (default): `HH:MM:SS.mmm LEVEL [scope] message {fields}`, for people;
 * - `json`: one JSON object per line, `{"time","level","scope","msg",...fields}`, for log shippers
 *   (`iii --log-format json`, or `III_LOG_FORMAT=json`).
 */
export type LogLevel = 'debug' | 'info' | 'warn' | 'error';
export type LogFormat = 'text' | 'json';
export const LOG_FORMATS: readonly LogFormat[] = ['text', 'json'];

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
  /** @default $III_LOG_FORMAT when it is `json`, else `text` */
  format?: LogFormat;
  /** Where lines go; defaults to stderr. */
  sink?: (line: string, level: LogLevel) => void;
}

export interface LogRecord {
  level: LogLevel;
  scope: string;
  msg: string;
  fields?: Record<string, unknown> | undefined;
}

export function createLogger(scope: string, opts: LoggerOptions = {}): Logger {
  const envLevel = process.env.III_LOG_LEVEL as LogLevel | 'silent' | undefined;
  const level = opts.level ?? envLevel ?? 'info';
  const format = opts.format ?? (process.env.III_LOG_FORMAT === 'json' ? 'json' : 'text');
  const min = level === 'silent' ? Number.POSITIVE_INFINITY : ORDER[level];
  const sink = opts.sink ?? ((line: string) => process.stderr.write(`${line}\n`));
  const emit = (lvl: LogLevel, msg: string, fields?: Record<string, unknown>): void => {
    if (ORDER[lvl] < min) return;
    sink(formatLogLine(format, { level: lvl, scope, msg, fields }), lvl);
  };
  return {
    debug: (m, f) => emit('debug', m, f),
    info: (m, f) => emit('info', m, f),
    warn: (m, f) => emit('warn', m, f),
    error: (m, f) => emit('error', m, f),
    child: (sub) => createLogger(`${scope}:${sub}`, { level, format, sink }),
  };
}

/** One log line (no newline). Also used by the CLI so that everything `iii` prints shares a format. */
export function formatLogLine(format: LogFormat, rec: LogRecord, now = new Date()): string {
  const fields = rec.fields && Object.keys(rec.fields).length > 0 ? rec.fields : undefined;
  if (format === 'json') return jsonLine(rec, fields, now);
  const extra = fields ? ` ${safeJson(fields)}` : '';
  return `${now.toISOString().slice(11, 23)} ${rec.level.toUpperCase().padEnd(5)} [${rec.scope}] ${rec.msg}${extra}`;
}

const RESERVED = new Set(['time', 'level', 'scope', 'msg']);

function jsonLine(rec: LogRecord, fields: Record<string, unknown> | undefined, now: Date): string {
  const head = { time: now.toISOString(), level: rec.level, scope: rec.scope, msg: rec.msg };
  if (!fields) return JSON.stringify(head);
  // The record's own keys win; a field with the same name is kept with a leading underscore.
  const out: Record<string, unknown> = { ...head };
  for (const [k, v] of Object.entries(fields)) out[RESERVED.has(k) ? `_${k}` : k] = v;
  try {
    return JSON.stringify(out, jsonValue);
  } catch {
    // A cycle (or a throwing toJSON) must not lose the event: keep the record, mark the fields.
    return JSON.stringify({ ...head, fields: '[unserialisable]' });
  }
}

/** Errors keep their name/message/code (JSON.stringify would give `{}`), bigints become strings. */
function jsonValue(_key: string, value: unknown): unknown {
  if (typeof value === 'bigint') return value.toString();
  if (value instanceof Error) {
    const code = (value as { code?: unknown }).code;
    return { name: value.name, message: value.message, ...(code !== undefined ? { code } : {}) };
  }
  return value;
}

function safeJson(v: unknown): string {
  try {
    return JSON.stringify(v);
  } catch {
    return '[unserialisable]';
  }
}
