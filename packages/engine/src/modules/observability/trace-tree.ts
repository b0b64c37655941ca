/**
 * `engine::traces::tree`: the spans of one trace as a forest (workers.md §8.2).
 * Before linking, childless trigger fan-out wrappers (`state_triggers`, `stream_triggers`) are dropped
 * and spans matching `collapse_spans` rules are removed; children of removed spans are reparented to
 * the nearest kept ancestor. A span whose parent is not in the store becomes a root.
 */
import { type SpanRecord, spanJson } from './records.ts';

const WRAPPERS = new Set(['state_triggers', 'stream_triggers']);

export type TreeNode = Record<string, unknown> & { children: TreeNode[] };

export function buildTree(spans: SpanRecord[], collapsed: (name: string) => boolean): TreeNode[] {
  const byId = new Map(spans.map((s) => [s.spanId, s]));
  const hasChildren = new Set(spans.map((s) => s.parentSpanId).filter((p): p is string => p !== null));
  const removed = new Set(
    spans.filter((s) => (WRAPPERS.has(s.name) && !hasChildren.has(s.spanId)) || collapsed(s.name)).map((s) => s.spanId),
  );

  /** Nearest kept ancestor id, or null when the chain leaves the store. `seen` guards against cycles. */
  const keptParent = (s: SpanRecord): string | null => {
    const seen = new Set<string>([s.spanId]);
    let p = s.parentSpanId;
    while (p !== null && removed.has(p) && !seen.has(p)) {
      seen.add(p);
      p = byId.get(p)?.parentSpanId ?? null;
    }
    return p !== null && byId.has(p) && !removed.has(p) ? p : null;
  };

  const kept = spans.filter((s) => !removed.has(s.spanId)).sort((a, b) => (a.start < b.start ? -1 : a.start > b.start ? 1 : 0));
  const nodes = new Map<string, TreeNode>(kept.map((s) => [s.spanId, { ...spanJson(s), children: [] }]));
  const roots: TreeNode[] = [];
  for (const s of kept) {
    const node = nodes.get(s.spanId)!;
    const parent = keptParent(s);
    const parentNode = parent === null ? undefined : nodes.get(parent);
    if (parentNode && parent !== s.spanId) parentNode.children.push(node);
    else roots.push(node);
  }
  return roots;
}
