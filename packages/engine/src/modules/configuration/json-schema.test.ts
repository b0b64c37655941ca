/** The ajv-backed checker for JSON Schemas registered over the wire: keywords the hand-written one lacked, in our wording. */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { validateJsonSchema } from './json-schema.ts';

const messages = (schema: Record<string, unknown>, value: unknown): string[] =>
  validateJsonSchema(schema, value).map((i) => `${i.path || '(root)'}: ${i.message}`);

describe('validateJsonSchema', () => {
  it('oneOf is exclusive: a value matching two branches fails, one branch passes, none fails', () => {
    const schema = { oneOf: [{ type: 'integer' }, { type: 'number', minimum: 0 }] };
    assert.deepEqual(messages(schema, 5), ['(root): matches more than one of the allowed forms (0 and 1); exactly one must match']);
    assert.deepEqual(messages(schema, -5), []);
    assert.deepEqual(messages(schema, 0.5), []);
    assert.deepEqual(messages(schema, -0.5), ['(root): matches none of the allowed forms']);
    // anyOf stays inclusive
    assert.deepEqual(messages({ anyOf: schema.oneOf }, 5), []);
  });

  it('follows $ref into $defs and definitions', () => {
    const port = { type: 'integer', minimum: 0, maximum: 65535 };
    for (const [key, ref] of [
      ['$defs', '#/$defs/port'],
      ['definitions', '#/definitions/port'],
    ] as const) {
      const schema = { [key]: { port }, type: 'object', properties: { http: { $ref: ref }, admin: { $ref: ref } } };
      assert.deepEqual(messages(schema, { http: 70000, admin: 'x' }), [
        'http: must be <= 65535, got 70000',
        'admin: must be integer, got string',
      ]);
      assert.deepEqual(messages(schema, { http: 80 }), []);
    }
  });

  it('allOf: every branch applies and every problem is listed', () => {
    const schema = {
      allOf: [
        { type: 'object', properties: { host: { type: 'string' } }, required: ['host'] },
        { type: 'object', properties: { port: { type: 'integer', maximum: 65535 } }, required: ['port'] },
      ],
    };
    assert.deepEqual(messages(schema, {}), ['host: is required', 'port: is required']);
    assert.deepEqual(messages(schema, { host: 1, port: 70000 }), ['host: must be string, got number', 'port: must be <= 65535, got 70000']);
    assert.deepEqual(messages(schema, { host: 'a', port: 1 }), []);
  });

  it('format: email, uri, date-time, uuid, ipv4 are checked', () => {
    const schema = {
      type: 'object',
      properties: {
        email: { type: 'string', format: 'email' },
        url: { type: 'string', format: 'uri' },
        at: { type: 'string', format: 'date-time' },
        id: { type: 'string', format: 'uuid' },
        ip: { type: 'string', format: 'ipv4' },
      },
    };
    assert.deepEqual(messages(schema, { email: 'nope', url: 'not a uri', at: 'yesterday', id: '123', ip: '300.1.1.1' }), [
      'email: must be a valid email, got "nope"',
      'url: must be a valid uri, got "not a uri"',
      'at: must be a valid date-time, got "yesterday"',
      'id: must be a valid uuid, got "123"',
      'ip: must be a valid ipv4, got "300.1.1.1"',
    ]);
    assert.deepEqual(
      messages(schema, {
        email: 'a@example.com',
        url: 'https://example.com/x',
        at: '2026-12-07T22:00:00Z',
        id: '0b9a3c2e-4d7f-4c1a-9e2b-5f6a7b8c9d0e',
        ip: '10.0.0.1',
      }),
      [],
    );
  });

  it('keeps the wording and order of the earlier checker: required, bounds, then unknown keys', () => {
    const schema = {
      type: 'object',
      properties: {
        url: { type: 'string' },
        n: { type: 'integer', maximum: 3 },
        pool: { type: 'object', properties: { max: { type: 'integer', minimum: 1 } } },
      },
      required: ['url'],
      additionalProperties: false,
    };
    assert.deepEqual(messages(schema, { x: 1, n: 5, pool: { max: 0 } }), [
      'url: is required',
      'n: must be <= 3, got 5',
      'pool.max: must be >= 1, got 0',
      'x: unknown key (allowed: url, n, pool)',
    ]);
    assert.deepEqual(messages({ enum: ['a', 'b'] }, 'c'), ['(root): must be one of "a", "b", got "c"']);
    assert.deepEqual(messages({ const: 1 }, 2), ['(root): must be 1']);
    assert.deepEqual(messages({ type: 'string', pattern: '^a+$' }, 'b'), ['(root): must match /^a+$/']);
  });

  it('a draft 2020-12 schema (what zod renders) and an invalid schema', () => {
    const schema = { $schema: 'https://json-schema.org/draft/2020-12/schema', type: 'object', properties: { a: { type: 'string' } } };
    assert.deepEqual(messages(schema, { a: 1 }), ['a: must be string, got number']);
    const [problem] = messages({ type: 'bogus' }, 1);
    assert.match(problem ?? '', /^\(root\): the registered JSON Schema is invalid: /);
  });
});
