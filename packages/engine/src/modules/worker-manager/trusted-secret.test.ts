import assert from 'node:assert/strict';
import type { IncomingMessage } from 'node:http';
import { describe, it } from 'node:test';
import { isLoopbackHost, presentedSecret, resolveSecret, secretMatches } from './trusted-secret.ts';

const req = (url: string, headers: Record<string, string> = {}) => ({ url, headers }) as unknown as IncomingMessage;

describe('trusted listener secret', () => {
  it('loopback is 127.0.0.0/8, ::1 and localhost (any spelling); 0.0.0.0 and other hosts are not', () => {
    for (const h of ['127.0.0.1', '127.1.2.3', '::1', '[::1]', 'localhost', 'LOCALHOST', '::ffff:127.0.0.1'])
      assert.ok(isLoopbackHost(h), h);
    for (const h of ['0.0.0.0', '::', '10.0.0.5', '128.0.0.1', 'example.com', '::ffff:10.0.0.1']) assert.ok(!isLoopbackHost(h), h);
  });

  it('config wins over the environment; beyond loopback without either is E_LISTENER_NO_SECRET unless opted out', () => {
    const base = { port: 1, allow_unauthenticated: false };
    assert.equal(resolveSecret({ ...base, host: '0.0.0.0', secret: 'cfg' }, { III_ENGINE_SECRET: 'env' }), 'cfg');
    assert.equal(resolveSecret({ ...base, host: '0.0.0.0' }, { III_ENGINE_SECRET: 'env' }), 'env');
    assert.equal(resolveSecret({ ...base, host: '127.0.0.1' }, {}), undefined);
    assert.equal(resolveSecret({ ...base, host: '0.0.0.0', allow_unauthenticated: true }, {}), undefined);
    assert.equal(
      resolveSecret({ ...base, host: '0.0.0.0', rbac: {} }, { III_ENGINE_SECRET: 'env' }),
      undefined,
      'RBAC listeners use their auth function',
    );
    assert.throws(() => resolveSecret({ ...base, host: '0.0.0.0' }, {}), { code: 'E_LISTENER_NO_SECRET' });
  });

  it('reads the bearer header, then ?secret=, then the /secret/<s> prefix', () => {
    assert.equal(presentedSecret(req('/?secret=q', { authorization: 'Bearer h' })), 'h');
    assert.equal(presentedSecret(req('/secret/p?secret=q')), 'q');
    assert.equal(presentedSecret(req('/secret/a%2Fb/otel')), 'a/b');
    assert.equal(presentedSecret(req('/', { authorization: 'Basic x' })), undefined);
  });

  it('compares whole secrets only', () => {
    assert.ok(secretMatches('s3cret', 's3cret'));
    for (const wrong of [undefined, '', 's3cre', 's3cret ', 'S3CRET']) assert.ok(!secretMatches('s3cret', wrong), String(wrong));
  });
});
