import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { isCollapsed } from './config.ts';
import type { SpanRecord } from './records.ts';
import { rootsOf } from './span-store.ts';
import { buildTree, type TreeNode } from './trace-tree.ts';

let clock = 0n;
function span(spanId: string, name: string, parent: string | null = null): SpanRecord {
  clock += 1000n;
  return {
    traceId: 't'.repeat(32),
    spanId,
    parentSpanId: parent,
    name,
    kind: 1,
    start: clock,
    end: clock + 10n,
    status: 'ok',
    attributes: [],
    serviceName: 's',
    events: [],
    links: [],
  };
}

/** name(child, child…) rendering keeps assertions readable. */
const render = (nodes: TreeNode[]): string[] =>
  nodes.map((n) => (n.children.length ? `${n.name}(${render(n.children).join(',')})` : String(n.name)));
const none = (): boolean => false;

describe('buildTree', () => {
  it('links children under parents in start order; dangling parents become roots', () => {
    const spans = [
      span('a', 'GET /s/:code'),
      span('b', 'execute http::redirect', 'a'),
      span('c', 'execute link::resolve', 'b'),
      span('d', 'late', 'a'),
      span('x', 'orphan', 'gone'),
    ];
    assert.deepEqual(render(buildTree(spans, none)), ['GET /s/:code(execute http::redirect(execute link::resolve),late)', 'orphan']);
    assert.deepEqual(
      rootsOf(spans).map((s) => s.name),
      ['GET /s/:code', 'orphan'],
    );
  });

  it('drops childless trigger wrappers but keeps wrappers that have children', () => {
    const spans = [
      span('a', 'root'),
      span('w1', 'state_triggers', 'a'),
      span('w2', 'stream_triggers', 'a'),
      span('h', 'execute on-change', 'w2'),
    ];
    assert.deepEqual(render(buildTree(spans, none)), ['root(stream_triggers(execute on-change))']);
  });

  it('collapses configured spans and reparents their children to the nearest kept ancestor', () => {
    const rules = ['pass-through', 'mw *'];
    const spans = [
      span('a', 'root'),
      span('p', 'pass-through', 'a'),
      span('m', 'mw auth', 'p'),
      span('h', 'handler', 'm'),
      span('q', 'pass-through'),
    ];
    assert.deepEqual(render(buildTree(spans, (n) => isCollapsed(rules, n))), ['root(handler)']);
  });

  it('serialises span fields on every node', () => {
    const [root] = buildTree([span('a', 'one')], none);
    assert.equal(root!.span_id, 'a');
    assert.equal(root!.parent_span_id, null);
    assert.equal(typeof root!.start_time_unix_nano, 'number');
    assert.deepEqual(root!.children, []);
  });
});
