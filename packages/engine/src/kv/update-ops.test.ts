import assert from 'node:assert/strict';
import { test } from 'node:test';
import { applyUpdateOps, parseUpdateOps, type UpdateOp } from './update-ops.ts';

const codes = (ops: UpdateOp[], current: unknown = {}) => applyUpdateOps(current, ops).errors.map((e) => e.code);

test('set on the root replaces the value; set on a field needs an object root', () => {
  assert.deepEqual(applyUpdateOps({ a: 1 }, [{ type: 'set', path: '', value: 5 }]).value, 5);
  assert.deepEqual(applyUpdateOps(undefined, [{ type: 'set', path: 'a', value: 1 }]).value, { a: 1 });
  assert.deepEqual(codes([{ type: 'set', path: 'a', value: 1 }], 7), ['set.target_not_object']);
});

test('increment/decrement treat a missing field as 0 and refuse non-numbers', () => {
  assert.deepEqual(
    applyUpdateOps({}, [
      { type: 'increment', path: 'n', by: 3 },
      { type: 'decrement', path: 'n', by: 1 },
    ]).value,
    { n: 2 },
  );
  assert.deepEqual(codes([{ type: 'decrement', path: 's', by: 1 }], { s: 'x' }), ['decrement.not_number']);
});

test('merge: nested literal segments, intermediates replaced, shallow at the target', () => {
  const r = applyUpdateOps({ a: 5, keep: 1 }, [{ type: 'merge', path: ['a', 'b.c'], value: { x: 1 } }]);
  assert.deepEqual(r.value, { a: { 'b.c': { x: 1 } }, keep: 1 });
  assert.deepEqual(applyUpdateOps({ o: { p: 1, q: { z: 1 } } }, [{ type: 'merge', path: 'o', value: { q: 2 } }]).value, {
    o: { p: 1, q: 2 },
  });
});

test('merge guard rails', () => {
  const deep: Record<string, unknown> = {};
  let node = deep;
  for (let i = 0; i < 17; i++) node = node.n = {} as Record<string, unknown>;
  const many = Object.fromEntries(Array.from({ length: 1025 }, (_, i) => [`k${i}`, i]));
  assert.deepEqual(
    codes([
      { type: 'merge', path: Array.from({ length: 33 }, () => 'a'), value: {} },
      { type: 'merge', path: ['x'.repeat(257)], value: {} },
      { type: 'merge', path: ['__proto__'], value: {} },
      { type: 'merge', value: JSON.parse('{"__proto__":{"polluted":true}}') },
      { type: 'merge', value: deep },
      { type: 'merge', value: many },
      { type: 'merge', value: [1] },
    ]),
    [
      'merge.path.too_deep',
      'merge.path.segment_too_long',
      'merge.path.proto_polluted',
      'merge.value.proto_polluted',
      'merge.value.too_deep',
      'merge.value.too_many_keys',
      'merge.value.not_object',
    ],
  );
  assert.equal(({} as Record<string, unknown>).polluted, undefined);
});

test('append: arrays push, strings concatenate, nested paths create arrays, mismatches fail', () => {
  assert.deepEqual(applyUpdateOps({ l: [1] }, [{ type: 'append', path: 'l', value: 2 }]).value, { l: [1, 2] });
  assert.deepEqual(applyUpdateOps({ s: 'ab' }, [{ type: 'append', path: 's', value: 'c' }]).value, { s: 'abc' });
  assert.deepEqual(applyUpdateOps({}, [{ type: 'append', path: 's', value: 'c' }]).value, { s: 'c' });
  assert.deepEqual(applyUpdateOps({}, [{ type: 'append', path: ['a', 'b'], value: 'c' }]).value, { a: { b: ['c'] } });
  assert.deepEqual(applyUpdateOps(undefined, [{ type: 'append', value: 1 }]).value, [1]);
  assert.deepEqual(codes([{ type: 'append', path: 'o', value: 1 }], { o: {} }), ['append.type_mismatch']);
  assert.deepEqual(codes([{ type: 'append', path: 'o', value: 1 }], 'str'), ['append.target_not_object']);
});

test('a failed op leaves no partial change', () => {
  const r = applyUpdateOps({ a: 1 }, [
    { type: 'append', path: ['x', 'y'], value: 1 },
    { type: 'append', path: ['a', 'b'], value: 2 },
  ]);
  // The second op replaces the scalar intermediate `a` with {} (documented auto-replace), so it succeeds.
  assert.deepEqual(r.value, { a: { b: [2] }, x: { y: [1] } });
  const bad = applyUpdateOps({ t: { leaf: {} } }, [{ type: 'append', path: ['t', 'leaf'], value: 1 }]);
  assert.deepEqual(bad.value, { t: { leaf: {} } });
});

test('parseUpdateOps rejects unknown types and missing fields with paths', () => {
  const r = parseUpdateOps([{ type: 'set', path: 'a', value: 1 }, { type: 'explode' }, { type: 'increment', path: 'n' }]);
  assert.equal(r.ok, false);
  if (!r.ok)
    assert.deepEqual(
      r.issues.map((i) => i.path),
      ['ops.1.type'],
    );
  const r2 = parseUpdateOps([{ type: 'increment', path: 'n' }]);
  assert.equal(r2.ok, false);
  if (!r2.ok)
    assert.deepEqual(
      r2.issues.map((i) => i.path),
      ['ops.0.by'],
    );
});
