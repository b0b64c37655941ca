/** Console access through a real engine: loopback by default, a token required (401 without) beyond it. */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { startTestEngine } from '../../../test/helpers/engine.ts';
import { uniqueName } from '../../../test/helpers/names.ts';
import { resolveToken, TOKEN_ENV } from './access.ts';
import { consoleModule } from './index.ts';

const call = (base: string, headers: Record<string, string> = {}) =>
  fetch(`${base}/api/call`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', ...headers },
    body: JSON.stringify({ function_id: 'engine::functions::list' }),
  });

describe('console access', () => {
  it('the token comes from the config key, else $III_CONSOLE_TOKEN', () => {
    assert.equal(resolveToken('0.0.0.0', undefined, { [TOKEN_ENV]: 'from-env' }), 'from-env');
    assert.equal(resolveToken('0.0.0.0', 'from-config', { [TOKEN_ENV]: 'from-env' }), 'from-config');
    assert.equal(resolveToken('127.0.0.1', undefined, {}), undefined);
    assert.throws(() => resolveToken('192.168.1.2', undefined, {}), /E_CONSOLE_TOKEN_REQUIRED|needs a token/);
  });

  it('binds 127.0.0.1 by default and needs no token there', async () => {
    const engine = await startTestEngine({ modules: [consoleModule], workers: [{ name: 'console', config: { host: undefined } }] });
    try {
      const base = engine.addresses.console ?? '';
      assert.match(base, /^http:\/\/127\.0\.0\.1:\d+$/);
      assert.equal((await call(base)).status, 200);
    } finally {
      await engine.stop();
    }
  });

  it('bound beyond loopback without a token it refuses to start (E_CONSOLE_TOKEN_REQUIRED)', async () => {
    await assert.rejects(
      startTestEngine({ modules: [consoleModule], workers: [{ name: 'console', config: { host: '0.0.0.0' } }] }),
      /E_CONSOLE_TOKEN_REQUIRED|needs a token/,
    );
  });

  it('with a token every request must carry it: 401 otherwise; bearer, ?token= then cookie', async () => {
    const token = uniqueName('tok');
    const engine = await startTestEngine({ modules: [consoleModule], workers: [{ name: 'console', config: { host: '0.0.0.0', token } }] });
    try {
      const base = (engine.addresses.console ?? '').replace('0.0.0.0', '127.0.0.1');
      const refused = await call(base);
      assert.equal(refused.status, 401);
      assert.equal(refused.headers.get('www-authenticate'), 'Bearer realm="iii console"');
      assert.equal(((await refused.json()) as { error: { code: string } }).error.code, 'E_CONSOLE_UNAUTHORIZED');
      assert.equal((await call(base, { authorization: 'Bearer wrong' })).status, 401);
      assert.equal((await fetch(`${base}/`)).status, 401);
      assert.equal((await call(base, { authorization: `Bearer ${token}` })).status, 200);
      const page = await fetch(`${base}/?token=${token}`);
      assert.equal(page.status, 200);
      const cookie = (page.headers.get('set-cookie') ?? '').split(';')[0] ?? '';
      assert.match(cookie, /^iii_console_token=/);
      assert.equal((await call(base, { cookie })).status, 200, 'the UI calls the API with the cookie');
    } finally {
      await engine.stop();
    }
  });
});
