import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { createAuth } from '../src/handlers.ts';

describe('auth::browser', () => {
  const auth = createAuth('dev-token');

  it('admits the right token with a session that may register functions but not trigger types', () => {
    const r = auth.browser({ headers: {}, query_params: { token: ['dev-token'] }, ip_address: '127.0.0.1' });
    assert.equal(r.allow_function_registration, true);
    assert.equal(r.allow_trigger_type_registration, false);
    assert.deepEqual(r.context, { role: 'browser', ip_address: '127.0.0.1' });
  });

  it('throws (refusing the socket) for a wrong, missing or empty token', () => {
    assert.throws(() => auth.browser({ query_params: { token: ['nope'] } }), /invalid or missing token/);
    assert.throws(() => auth.browser({ query_params: {} }), /invalid or missing token/);
    assert.throws(() => auth.browser({ query_params: { token: [''] } }), /invalid or missing token/);
    assert.throws(() => auth.browser({}), /invalid or missing token/);
  });
});
