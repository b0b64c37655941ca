import assert from 'node:assert/strict';
import { test } from 'node:test';
import { toJsonSchema } from '../../core/config/schema.ts';
import { EngineError } from '../../core/errors/index.ts';
import { sqlitePath } from './adapters/sqlite/path.ts';
import { tlsOption } from './adapters/tls.ts';
import { databaseConfigSchema, parseDatabaseConfig } from './config.ts';
import { normalizeParams } from './params.ts';

test('defaults: primary on sqlite:./data/iii.db with the reference pool settings', () => {
  assert.deepEqual(JSON.parse(JSON.stringify(parseDatabaseConfig({}))), {
    databases: { primary: { url: 'sqlite:./data/iii.db', pool: { max: 10, idle_timeout_ms: 30000, acquire_timeout_ms: 5000 } } },
  });
  const partial = parseDatabaseConfig({ databases: { analytics: { url: 'sqlite:./data/analytics.db', pool: { max: 2 } } } });
  assert.deepEqual(partial.databases.analytics?.pool, { max: 2, idle_timeout_ms: 30000, acquire_timeout_ms: 5000 });
});

test('unknown scheme → CONFIG_ERROR naming the supported schemes; every problem listed', () => {
  assert.throws(
    () => parseDatabaseConfig({ databases: { a: { url: 'oracle://x/y' }, b: { url: 'sqlite:b.db', pool: { max: 0 }, extra: 1 } } }),
    (e: unknown) => {
      assert.ok(e instanceof EngineError && e.code === 'CONFIG_ERROR');
      assert.match(e.message, /sqlite:, postgres:\/\/, postgresql:\/\/, mysql:\/\/, mariadb:\/\//);
      assert.match(e.message, /databases\.b\.pool\.max/);
      assert.match(e.message, /databases\.b\.extra/);
      return true;
    },
  );
  assert.throws(() => parseDatabaseConfig({ databases: {} }), /at least one database/);
});

test('the config schema renders JSON Schema for configuration::register', () => {
  const json = toJsonSchema(databaseConfigSchema) as unknown as { properties: { databases: { default: unknown } } };
  assert.deepEqual(Object.keys((json.properties.databases.default as Record<string, unknown>) ?? {}), ['primary']);
});

test('sqlite URLs resolve against the project dir', () => {
  assert.equal(sqlitePath('sqlite:./data/iii.db', '/proj'), '/proj/data/iii.db');
  assert.equal(sqlitePath('sqlite://data/iii.db?mode=rwc', '/proj'), '/proj/data/iii.db');
  assert.equal(sqlitePath('sqlite:///abs/x.db', '/proj'), '/abs/x.db');
  assert.equal(sqlitePath('sqlite::memory:', '/proj'), ':memory:');
});

test('tls: absent → URL decides; disable/require/verify-full map to pg ssl options', () => {
  assert.equal(tlsOption(undefined), undefined);
  assert.equal(tlsOption({ mode: 'disable', trust_native: true }), false);
  assert.deepEqual(tlsOption({ mode: 'require', trust_native: true }), { rejectUnauthorized: false });
  const pem = '-----BEGIN CERTIFICATE-----\nx\n-----END CERTIFICATE-----';
  assert.deepEqual(tlsOption({ mode: 'verify-full', ca_cert: pem, trust_native: false }), { rejectUnauthorized: true, ca: [pem] });
});

test('params: array, JSON string holding an array, or absent; anything else is INVALID_PARAM', () => {
  assert.deepEqual(normalizeParams(undefined), []);
  assert.deepEqual(normalizeParams(['a', 1, null, true, { x: 1 }]), ['a', 1, null, true, { x: 1 }]);
  assert.deepEqual(normalizeParams('["a",1]'), ['a', 1]);
  for (const bad of ['{"a":1}', 'not json', 42, { a: 1 }]) {
    assert.throws(
      () => normalizeParams(bad),
      (e: unknown) => e instanceof EngineError && e.code === 'INVALID_PARAM',
    );
  }
});
