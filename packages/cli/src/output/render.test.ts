import assert from 'node:assert/strict';
import { test } from 'node:test';
import { CliError } from './cli-error.ts';
import { formatError, formatResult, formatTable } from './render.ts';

test('results: sorted keys at every level, 2-space indent, newline; nothing for null', () => {
  assert.equal(
    formatResult({ rows: [{ b: 1, a: 2 }], columns: [], row_count: 1 }),
    '{\n  "columns": [],\n  "row_count": 1,\n  "rows": [\n    {\n      "a": 2,\n      "b": 1\n    }\n  ]\n}\n',
  );
  assert.equal(formatResult({ url: null }), '{\n  "url": null\n}\n');
  assert.equal(formatResult(null), '');
  assert.equal(formatResult(undefined), '');
  assert.equal(formatResult('s'), '"s"\n');
  assert.equal(formatResult(JSON.parse('{"__proto__":1}')), '{\n  "__proto__": 1\n}\n');
});

test('errors are one line with the code, plus an optional hint line', () => {
  assert.equal(formatError(new CliError('E_X', 'bad\nthing')), 'error[E_X]: bad thing\n');
  assert.equal(formatError(new CliError('E_X', 'bad', 'try this')), 'error[E_X]: bad\n  hint: try this\n');
});

test('tables align columns', () => {
  assert.equal(formatTable(['A', 'BB'], [['xxx', 'y']]), 'A    BB\nxxx  y\n');
});
