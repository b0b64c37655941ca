import assert from 'node:assert/strict';
import { test } from 'node:test';
import { EngineError } from '../../core/errors/index.ts';
import { isolationSql, parseIsolation, runsStronger } from './isolation.ts';
import { writeTarget } from './write-target.ts';

test('writeTarget: the table and op of INSERT / REPLACE / UPDATE / DELETE in each dialect', () => {
  const cases: [string, ReturnType<typeof writeTarget>][] = [
    ['INSERT INTO links (code) VALUES (?)', { table: 'links', op: 'insert' }],
    ['insert into links(code) values ($1)', { table: 'links', op: 'insert' }],
    ['-- why\n/* c */ INSERT OR IGNORE INTO "Links" VALUES (1)', { table: 'Links', op: 'insert' }],
    ['INSERT OR REPLACE INTO t VALUES (1)', { table: 't', op: 'insert' }],
    ['INSERT IGNORE INTO `my``t` VALUES (1)', { table: 'my`t', op: 'insert' }],
    ['INSERT t VALUES (1)', { table: 't', op: 'insert' }],
    ['REPLACE INTO public.clicks VALUES (1)', { table: 'clicks', op: 'insert' }],
    ['INSERT INTO "my schema"."a""b" VALUES (1)', { table: 'a"b', op: 'insert' }],
    ['UPDATE links SET url = ?', { table: 'links', op: 'update' }],
    ['UPDATE OR ROLLBACK [links] SET url = ?', { table: 'links', op: 'update' }],
    ['UPDATE LOW_PRIORITY IGNORE links SET url = ?', { table: 'links', op: 'update' }],
    ['UPDATE ONLY links SET url = ?', { table: 'links', op: 'update' }],
    ['DELETE FROM links WHERE code = ?', { table: 'links', op: 'delete' }],
    ['DELETE QUICK FROM links', { table: 'links', op: 'delete' }],
    ['DELETE FROM ONLY s.links', { table: 'links', op: 'delete' }],
  ];
  for (const [sql, want] of cases) assert.deepEqual(writeTarget(sql), want, sql);
});

test('writeTarget: reads, DDL and shapes it cannot attribute to one table are not writes', () => {
  for (const sql of [
    'SELECT * FROM links',
    'CREATE TABLE links (code TEXT)',
    'WITH x AS (SELECT 1) INSERT INTO links SELECT * FROM x',
    'DELETE t1, t2 FROM t1 JOIN t2',
    'MERGE INTO links USING src ON true WHEN MATCHED THEN DELETE',
    '"INSERT" INTO t',
    '',
    'INSERT INTO',
  ]) {
    assert.equal(writeTarget(sql), undefined, sql);
  }
});

test('isolation: per-driver levels; unknown or unsupported levels are INVALID_PARAM naming what is accepted', () => {
  assert.equal(parseIsolation(undefined, 'postgres'), undefined);
  assert.equal(parseIsolation('serializable', 'postgres'), 'serializable');
  assert.equal(parseIsolation('read_uncommitted', 'mysql'), 'read_uncommitted');
  assert.equal(isolationSql('repeatable_read'), 'REPEATABLE READ');
  assert.equal(isolationSql('read_uncommitted'), 'READ UNCOMMITTED');
  const refused = (value: unknown, dialect: 'postgres' | 'sqlite' | 'mysql', re: RegExp) =>
    assert.throws(
      () => parseIsolation(value, dialect),
      (e: unknown) => e instanceof EngineError && e.code === 'INVALID_PARAM' && re.test(String(e.details?.reason)),
    );
  refused('read_uncommitted', 'postgres', /not supported by postgres; postgres accepts read_committed, repeatable_read, serializable/);
  refused('read_uncommitted', 'sqlite', /not supported by sqlite/);
  refused('snapshot', 'mysql', /"snapshot" is unknown; mysql accepts .*read_uncommitted/);
  refused(3, 'postgres', /3 is unknown/);
  assert.equal(runsStronger('sqlite', 'read_committed'), true);
  assert.equal(runsStronger('sqlite', 'serializable'), false);
  assert.equal(runsStronger('postgres', 'read_committed'), false);
});
