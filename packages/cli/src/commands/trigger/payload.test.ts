import assert from 'node:assert/strict';
import { test } from 'node:test';
import { CliError } from '../../output/cli-error.ts';
import { buildPayload, typeValue } from './payload.ts';

function badArgs(fn: () => unknown, message: RegExp): void {
  assert.throws(fn, (err: unknown) => err instanceof CliError && err.code === 'E_CLI_BAD_ARGS' && message.test(err.message));
}

test('no tokens and no --json gives {}', () => {
  assert.deepEqual(buildPayload([]), {});
});

test('values are typed JSON-first, else kept as strings (reference quirks included)', () => {
  assert.equal(typeValue('100'), 100);
  assert.equal(typeValue('true'), true);
  assert.equal(typeValue('null'), null);
  assert.equal(typeValue('1e5'), 100000);
  assert.equal(typeValue('123'), 123);
  assert.deepEqual(typeValue('["a",1]'), ['a', 1]);
  assert.deepEqual(typeValue('{"url":"x"}'), { url: 'x' });
  assert.equal(typeValue('"quoted"'), 'quoted');
  assert.equal(typeValue('iii'), 'iii');
  assert.equal(typeValue("SELECT * FROM links WHERE code = 'iii'"), "SELECT * FROM links WHERE code = 'iii'");
  assert.equal(typeValue('GET /s/:code'), 'GET /s/:code');
  assert.equal(typeValue(''), '');
});

test('tokens split at the first =', () => {
  assert.deepEqual(buildPayload(['url=https://x.dev/?a=b', 'code=iii']), { url: 'https://x.dev/?a=b', code: 'iii' });
});

test('dotted keys nest and merge; \\. keeps a literal dot', () => {
  assert.deepEqual(buildPayload(['a.b=1', 'a.c=x', 'd=2']), { a: { b: 1, c: 'x' }, d: 2 });
  assert.deepEqual(buildPayload(['a\\.b=1']), { 'a.b': 1 });
  assert.deepEqual(buildPayload(['a.b.c=null']), { a: { b: { c: null } } });
});

test('--json alone is used verbatim, any JSON value', () => {
  assert.deepEqual(buildPayload([], '[1,2]'), [1, 2]);
  assert.equal(buildPayload([], '"s"'), 's');
  assert.equal(buildPayload([], 'null'), null);
});

test('--json plus kv: kv overrides, dotted kv merges into nested objects', () => {
  assert.deepEqual(buildPayload(['a=2', 'n.y=3'], '{"a":1,"n":{"x":1},"k":true}'), { a: 2, n: { x: 1, y: 3 }, k: true });
});

test('bad input fails with E_CLI_BAD_ARGS and a precise message', () => {
  badArgs(() => buildPayload(['novalue']), /expected key=value, got `novalue`/);
  badArgs(() => buildPayload(['=v']), /payload key must not be empty \(got `=v`\)/);
  badArgs(() => buildPayload(['a..b=1']), /empty segment/);
  badArgs(() => buildPayload([], '{oops'), /--json: invalid JSON `\{oops`/);
  badArgs(() => buildPayload(['a=1'], '[1]'), /--json must be an object/);
  badArgs(() => buildPayload(['a=1', 'a.b=2']), /`a` already holds a value/);
});

test('a __proto__ key is plain data', () => {
  const p = buildPayload(['__proto__.x=1']) as Record<string, unknown>;
  assert.deepEqual(Object.getPrototypeOf(p), Object.prototype);
  assert.equal(JSON.stringify(p), '{"__proto__":{"x":1}}');
});
