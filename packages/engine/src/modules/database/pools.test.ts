import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'node:test';
import { EngineError } from '../../core/errors/index.ts';
import { parseDatabaseConfig } from './config.ts';
import { DatabasePools, redactUrl } from './pools.ts';

function withPools(config: unknown, fn: (pools: DatabasePools, dir: string) => Promise<void>): Promise<void> {
  const dir = mkdtempSync(join(tmpdir(), 'triad-pools-'));
  const pools = new DatabasePools(parseDatabaseConfig(config), dir);
  return fn(pools, dir).finally(async () => {
    await pools.close();
    rmSync(dir, { recursive: true, force: true });
  });
}

const isCode = (code: string) => (e: unknown) => e instanceof EngineError && e.code === code;

test('default database: the only one, else primary, else MISSING_DB; UNKNOWN_DB lists what exists', () =>
  withPools({ databases: { a: { url: 'sqlite:a.db' }, b: { url: 'sqlite:b.db' } } }, async (pools) => {
    assert.throws(() => pools.get(), isCode('MISSING_DB'));
    assert.throws(
      () => pools.get('nope'),
      (e: unknown) => isCode('UNKNOWN_DB')(e) && JSON.stringify((e as EngineError).details?.available) === '["a","b"]',
    );
    await pools.reconfigure(parseDatabaseConfig({ databases: { only: { url: 'sqlite:o.db' } } }));
    assert.equal(pools.resolve(undefined), 'only');
    await pools.reconfigure(parseDatabaseConfig({ databases: { x: { url: 'sqlite:x.db' }, primary: { url: 'sqlite:p.db' } } }));
    assert.equal(pools.resolve(undefined), 'primary');
  }));

test('reconfigure keeps unchanged databases open and replaces changed ones', () =>
  withPools({ databases: { keep: { url: 'sqlite:k.db' }, change: { url: 'sqlite:c1.db' } } }, async (pools) => {
    const keep = pools.get('keep');
    const change = pools.get('change');
    await keep.execute('CREATE TABLE t (a INTEGER)');
    await pools.reconfigure(
      parseDatabaseConfig({ databases: { keep: { url: 'sqlite:k.db' }, change: { url: 'sqlite:c2.db' }, added: { url: 'sqlite:n.db' } } }),
    );
    assert.equal(pools.get('keep'), keep);
    assert.notEqual(pools.get('change'), change);
    await assert.rejects(change.query('SELECT 1'), EngineError, 'the replaced driver is closed');
    assert.deepEqual((await pools.get('added').query('SELECT 1 AS one')).rows, [{ one: 1 }]);
    assert.deepEqual(
      pools.list().map((d) => d.name),
      ['keep', 'change', 'added'],
    );
  }));

test('listed URLs hide passwords', () => {
  assert.equal(redactUrl('postgres://app:s3cret@db:5432/x'), 'postgres://app:***@db:5432/x');
  assert.equal(redactUrl('postgres://app@db/x'), 'postgres://app@db/x');
  assert.equal(redactUrl('sqlite:./data/iii.db'), 'sqlite:./data/iii.db');
});
