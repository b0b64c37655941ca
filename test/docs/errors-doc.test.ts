import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { it } from 'node:test';
import { renderErrorsDoc } from '../../scripts/errors-doc.ts';

it('docs/errors.md lists exactly the codes in the catalogue (run `npm run docs:errors` after adding one)', () => {
  const committed = readFileSync(new URL('../../docs/errors.md', import.meta.url), 'utf8');
  assert.equal(committed, renderErrorsDoc());
});
