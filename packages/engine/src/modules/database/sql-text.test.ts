import assert from 'node:assert/strict';
import { test } from 'node:test';
import { EngineError } from '../../core/errors/index.ts';
import { rewritePlaceholders } from './adapters/postgres/placeholders.ts';
import { appendReturning, checkStatement, firstKeyword, isInsert } from './sql-text.ts';

test('firstKeyword skips whitespace, semicolons and leading comments', () => {
  assert.equal(firstKeyword('  select 1'), 'SELECT');
  assert.equal(firstKeyword('-- hi\n/* there */ ;insert into t'), 'INSERT');
  assert.equal(firstKeyword(' ; -- only a comment'), '');
  assert.equal(isInsert('REPLACE INTO t VALUES (1)'), true);
  assert.equal(isInsert('UPDATE t SET a = 1'), false);
});

test('checkStatement: empty SQL is DRIVER_ERROR "empty SQL" (reference); transaction control is INVALID_PARAM', () => {
  for (const sql of ['', '   ', '--x\n']) {
    assert.throws(
      () => checkStatement(sql, 'postgres', 2),
      (e: unknown) =>
        e instanceof EngineError &&
        e.code === 'DRIVER_ERROR' &&
        e.details?.message === 'empty SQL' &&
        e.details?.driver === 'postgres' &&
        e.details?.failed_index === 2,
      JSON.stringify(sql),
    );
  }
  for (const sql of ['BEGIN', 'commit;', ' rollback', 'START TRANSACTION', 'SAVEPOINT a', 'END']) {
    assert.throws(
      () => checkStatement(sql, 'sqlite', 2),
      (e: unknown) => e instanceof EngineError && e.code === 'INVALID_PARAM' && e.details?.index === 2,
      sql,
    );
  }
  assert.doesNotThrow(() => checkStatement('SELECT 1', 'sqlite'));
  assert.doesNotThrow(() => checkStatement("INSERT INTO t VALUES ('BEGIN')", 'mysql'));
});

test('appendReturning quotes identifiers and drops trailing semicolons', () => {
  assert.equal(
    appendReturning('INSERT INTO t (a) VALUES (?);  ', ['id', 'we"ird']),
    'INSERT INTO t (a) VALUES (?) RETURNING "id", "we""ird"',
  );
  assert.equal(appendReturning('DELETE FROM t', ['*']), 'DELETE FROM t RETURNING *');
  assert.equal(appendReturning('DELETE FROM t', []), 'DELETE FROM t');
});

test('appendReturning on MySQL: backticks, and UNSUPPORTED where MariaDB has no RETURNING', () => {
  assert.equal(
    appendReturning('INSERT INTO t (a) VALUES (?)', ['id', 'we`ird'], 'mysql'),
    'INSERT INTO t (a) VALUES (?) RETURNING `id`, `we``ird`',
  );
  assert.throws(
    () => appendReturning('UPDATE t SET a = 1', ['id'], 'mysql'),
    (e: unknown) => e instanceof EngineError && e.code === 'UNSUPPORTED',
  );
});

test('postgres: ? becomes $n only outside literals, identifiers and comments', () => {
  assert.equal(rewritePlaceholders('SELECT * FROM t WHERE a = ? AND b = ?'), 'SELECT * FROM t WHERE a = $1 AND b = $2');
  assert.equal(
    rewritePlaceholders(`SELECT '?', "col?", ? -- ?\n, ? /* ? /* ? */ ? */`),
    `SELECT '?', "col?", $1 -- ?\n, $2 /* ? /* ? */ ? */`,
  );
  assert.equal(rewritePlaceholders("SELECT 'it''s ?', ?"), "SELECT 'it''s ?', $1");
  assert.equal(rewritePlaceholders("SELECT E'\\' ?', ?"), "SELECT E'\\' ?', $1");
  assert.equal(rewritePlaceholders('SELECT $$ ? $$, $tag$ ? $tag$, ?'), 'SELECT $$ ? $$, $tag$ ? $tag$, $1');
  // Text already in $n style keeps its `?` (the jsonb operator).
  assert.equal(rewritePlaceholders("SELECT data ? 'k' FROM t WHERE id = $1"), "SELECT data ? 'k' FROM t WHERE id = $1");
  assert.equal(rewritePlaceholders('SELECT 1'), 'SELECT 1');
});
