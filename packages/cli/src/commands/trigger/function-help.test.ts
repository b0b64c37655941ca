import assert from 'node:assert/strict';
import { test } from 'node:test';
import { parametersTable, renderFunctionHelp } from './function-help.ts';

test('parameters table from request_schema: type, required, cleaned description', () => {
  const table = parametersTable({
    request_schema: {
      type: 'object',
      properties: { db: { type: 'string', description: 'database\nname' }, params: { type: ['array', 'null'] }, x: {} },
      required: ['db'],
    },
  });
  assert.equal(
    table,
    'name    type        required  description\ndb      string      yes       database name\nparams  array|null  no\nx       any         no\n',
  );
});

test('falls back to request_format; no properties says so', () => {
  assert.match(parametersTable({ request_format: { properties: { a: { type: 'number' } } } }), /^a +number +no/m);
  assert.equal(parametersTable({}), '(no request schema published)\n');
});

test('the help page has title, description (control chars stripped), usage, parameters and options', () => {
  const page = renderFunctionHelp('database::query', { description: 'Run a query\u202e\u0007', request_schema: {} }, []);
  assert.match(
    page,
    /^iii trigger database::query\n\nRun a query\n\nUsage: iii trigger database::query \[key=value \.\.\.\] \[--json '<obj>'\]\n\nParameters:\n/,
  );
  assert.match(page, /Options:\n {2}-h, --help/);
});
