import assert from 'node:assert/strict';
import { test } from 'node:test';
import { createLogger, type LogFormat, type LoggerOptions } from './logger.ts';

function capture(format?: LogFormat, opts: LoggerOptions = {}): { lines: string[]; opts: LoggerOptions } {
  const lines: string[] = [];
  return { lines, opts: { level: 'debug', ...(format ? { format } : {}), ...opts, sink: (line) => lines.push(line) } };
}

test('json: one object per line with time, level, scope, msg and the fields', () => {
  const { lines, opts } = capture('json');
  const log = createLogger('iii', opts);
  log.info('listening', { port: 49134, host: '127.0.0.1' });
  log.child('queue').warn('slow');
  assert.equal(lines.length, 2);
  const first = JSON.parse(lines[0] ?? '');
  assert.deepEqual(Object.keys(first), ['time', 'level', 'scope', 'msg', 'port', 'host']);
  assert.ok(!Number.isNaN(Date.parse(first.time)) && first.time.endsWith('Z'), first.time);
  assert.deepEqual({ ...first, time: 'T' }, { time: 'T', level: 'info', scope: 'iii', msg: 'listening', port: 49134, host: '127.0.0.1' });
  assert.deepEqual({ ...JSON.parse(lines[1] ?? ''), time: 'T' }, { time: 'T', level: 'warn', scope: 'iii:queue', msg: 'slow' });
  assert.ok(lines.every((l) => !l.includes('\n')));
});

test('json: a field cannot overwrite the record; errors, bigints and cycles still give one valid line', () => {
  const { lines, opts } = capture('json');
  const log = createLogger('t', opts);
  log.error('boom', { msg: 'shadow', level: 'x', err: Object.assign(new Error('bad\nthing'), { code: 'E_X' }), n: 10n });
  const cyclic: Record<string, unknown> = { a: 1 };
  cyclic.self = cyclic;
  log.info('loop', { cyclic });
  const [boom, loop] = lines.map((l) => JSON.parse(l));
  assert.equal(boom.msg, 'boom');
  assert.equal(boom.level, 'error');
  assert.equal(boom._msg, 'shadow');
  assert.equal(boom._level, 'x');
  assert.deepEqual(boom.err, { name: 'Error', message: 'bad\nthing', code: 'E_X' });
  assert.equal(boom.n, '10');
  assert.equal(loop.msg, 'loop');
  assert.equal(loop.fields, '[unserialisable]');
});

test('text stays the default: `HH:MM:SS.mmm LEVEL [scope] message {fields}`; levels filter in both formats', () => {
  const text = capture(undefined, { level: 'info' });
  const log = createLogger('iii', text.opts);
  log.debug('hidden');
  log.info('ready', { port: 1 });
  assert.equal(text.lines.length, 1);
  assert.match(text.lines[0] ?? '', /^\d\d:\d\d:\d\d\.\d{3} INFO {2}\[iii\] ready \{"port":1\}$/);
  const json = capture('json', { level: 'warn' });
  createLogger('iii', json.opts).info('hidden');
  assert.deepEqual(json.lines, []);
});

test('III_LOG_FORMAT=json selects json when no format is passed; an explicit format wins', () => {
  const before = process.env.III_LOG_FORMAT;
  process.env.III_LOG_FORMAT = 'json';
  try {
    const env = capture();
    createLogger('iii', env.opts).child('x').info('from env');
    assert.equal(JSON.parse(env.lines[0] ?? '').scope, 'iii:x');
    const explicit = capture('text');
    createLogger('iii', explicit.opts).info('plain');
    assert.match(explicit.lines[0] ?? '', / INFO {2}\[iii\] plain$/);
  } finally {
    if (before === undefined) delete process.env.III_LOG_FORMAT;
    else process.env.III_LOG_FORMAT = before;
  }
});
