import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { EngineError } from '../errors/index.ts';
import { ENGINE_VERSION, expandValue, interpolateText } from './interpolate.ts';

describe('interpolateText', () => {
  it('prefers the environment, then the default, and leaves $NAME alone', () => {
    const env = { HOST: 'example.org' };
    const out = interpolateText('a: ${HOST:localhost}\nb: ${PORT:3111}\nc: ${EMPTY:}\nd: $HOST\n', { env });
    assert.equal(out, 'a: example.org\nb: 3111\nc: \nd: $HOST\n');
  });

  it('expands __III_ENGINE_VERSION__ as a default', () => {
    assert.equal(interpolateText('tag: ${TAG:__III_ENGINE_VERSION__}', { env: {} }), `tag: ${ENGINE_VERSION}`);
    assert.equal(interpolateText('tag: ${TAG:__III_ENGINE_VERSION__}', { env: {}, version: '9.9.9' }), 'tag: 9.9.9');
  });

  it('reports every missing variable with file:line', () => {
    const text = 'workers:\n  - name: http\n    config:\n      host: ${NO_SUCH_A}\n      port: ${NO_SUCH_B}\n';
    assert.throws(
      () => interpolateText(text, { env: {}, file: 'config.yaml' }),
      (err: unknown) => {
        assert.ok(err instanceof EngineError);
        assert.equal(err.code, 'E_CONFIG_ENV_MISSING');
        assert.match(err.message, /config\.yaml:4: Environment variable 'NO_SUCH_A' not set and no default provided/);
        assert.match(err.message, /config\.yaml:5: Environment variable 'NO_SUCH_B'/);
        return true;
      },
    );
  });
});

describe('expandValue', () => {
  const schema = {
    type: 'object',
    properties: {
      port: { type: 'integer' },
      debug: { type: 'boolean' },
      url: { type: 'string' },
      list: { type: 'array', items: { type: 'number' } },
    },
  };

  it('coerces a lone placeholder to the schema type and keeps strings otherwise', () => {
    const env = { P: '8080' };
    const out = expandValue(
      { port: '${P:3111}', debug: '${D:true}', url: 'http://${H:localhost}:${P}', list: ['${X:1.5}'], other: '${P}' },
      schema,
      { env },
    );
    assert.deepEqual(out, { port: 8080, debug: true, url: 'http://localhost:8080', list: [1.5], other: '8080' });
  });

  it('does not coerce text that does not parse as the schema type', () => {
    assert.deepEqual(expandValue({ port: '${P:abc}' }, schema, { env: {} }), { port: 'abc' });
  });

  it('names the key of a missing variable', () => {
    assert.throws(
      () => expandValue({ url: '${NOPE_X}' }, schema, { env: {}, file: 'config/http.yaml' }),
      /config\/http\.yaml: url: Environment variable 'NOPE_X'/,
    );
  });
});
