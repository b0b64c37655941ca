import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { asLinkError, LinkError, MAX_URL_LENGTH, parseCode, parseOptionalCode, parseUrl, randomCode } from '../src/validate.ts';

function code(fn: () => unknown): string | undefined {
  try {
    fn();
    return undefined;
  } catch (err) {
    return asLinkError(err)?.code;
  }
}

describe('parseUrl', () => {
  it('adds https:// when the scheme is missing, keeps http(s) URLs', () => {
    assert.equal(parseUrl('iii.dev'), 'https://iii.dev');
    assert.equal(parseUrl('example.com:8080/a'), 'https://example.com:8080/a');
    assert.equal(parseUrl('//cdn.example.com/x'), 'https://cdn.example.com/x');
    assert.equal(parseUrl('http://a.example/b?c=1'), 'http://a.example/b?c=1');
    assert.equal(parseUrl('  https://iii.dev  '), 'https://iii.dev');
  });
  it('refuses script, data and other non-http schemes', () => {
    for (const bad of [
      'javascript:alert(1)',
      'JavaScript:alert(1)',
      'data:text/html,<b>x</b>',
      'file:///etc/passwd',
      'ftp://x.example',
      'vbscript:x',
    ]) {
      assert.equal(
        code(() => parseUrl(bad)),
        'E_LINK_INVALID_URL',
        bad,
      );
    }
  });
  it('reports a missing url and over-long URLs', () => {
    assert.equal(
      code(() => parseUrl(undefined)),
      'E_LINK_MISSING_URL',
    );
    assert.equal(
      code(() => parseUrl('')),
      'E_LINK_MISSING_URL',
    );
    assert.equal(
      code(() => parseUrl(42)),
      'E_LINK_INVALID_URL',
    );
    assert.equal(
      code(() => parseUrl(`https://x.example/${'a'.repeat(MAX_URL_LENGTH)}`)),
      'E_LINK_URL_TOO_LONG',
    );
    assert.equal(parseUrl(`https://x.example/${'a'.repeat(MAX_URL_LENGTH - 18)}`).length, MAX_URL_LENGTH);
  });
});

describe('codes', () => {
  it('accepts [A-Za-z0-9_-]{1,64} and integer codes from the CLI', () => {
    assert.equal(parseCode('stream-me'), 'stream-me');
    assert.equal(parseCode('A_b-9'), 'A_b-9');
    assert.equal(parseCode(123), '123');
    assert.equal(parseCode('x'.repeat(64)), 'x'.repeat(64));
    assert.equal(parseOptionalCode(undefined), undefined);
    assert.equal(parseOptionalCode(''), undefined);
  });
  it('refuses malformed codes', () => {
    for (const bad of ['', 'a b', 'a/b', 'x'.repeat(65), '../x', 'ünï', 1.5, -1, {}, null]) {
      assert.equal(
        code(() => parseCode(bad)),
        'E_LINK_INVALID_CODE',
        String(bad),
      );
    }
  });
  it('generates 6 characters of [a-z0-9]', () => {
    for (let i = 0; i < 50; i++) assert.match(randomCode(), /^[a-z0-9]{6}$/);
  });
});

describe('LinkError', () => {
  it('survives the wire inside a plain message, with its status', () => {
    const original = new LinkError('E_LINK_CODE_TAKEN', 'code "x" is already taken');
    const crossed = asLinkError(new Error(`invocation_failed: ${original.message}`));
    assert.equal(crossed?.code, 'E_LINK_CODE_TAKEN');
    assert.equal(crossed?.status, 409);
    assert.equal(crossed?.detail, 'code "x" is already taken');
    assert.equal(asLinkError(new Error('boom')), undefined);
  });
});
