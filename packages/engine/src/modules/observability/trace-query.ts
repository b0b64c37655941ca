/**
 * `engine::traces::list` and `engine::traces::group_by` over the span store (workers.md §8.2/§8.3).
 * Pure functions of (store contents, query, now) so they are unit-testable without an engine.
 */
import { attr, durationMs, type SpanRecord, spanJson } from './records.ts';
import type { TraceSource } from './span-store.ts';

export interface TraceListQuery {
  trace_id?: string;
  trace_ids?: string[];
  offset: number;
  limit: number;
  service_name?: string;
  name?: string;
  status?: string;
  min_duration_ms?: number;
  max_duration_ms?: number;
  /** Epoch ms; a root span is kept when its [start, end] overlaps [start_time, end_time]. */
  start_time?: number;
  end_time?: number;
  sort_by?: string;
  sort_order?: string;
  attributes?: Array<[string, string]>;
  exclude_attributes?: Array<[string, string]>;
  include_internal?: boolean;
  search_all_spans?: boolean;
}

/** Engine plumbing: internal functions and `engine::*` calls stay out of listings by default. */
export function isInternalSpan(s: SpanRecord): boolean {
  if (attr(s, 'iii.function.kind') === 'internal') return true;
  const fn = attr(s, 'function_id') ?? attr(s, 'iii.function.id');
  return fn?.startsWith('engine::') ?? false;
}

const msToNs = (ms: number): bigint => BigInt(Math.floor(ms * 1e6));
const has = (s: SpanRecord, [k, v]: [string, string]): boolean => s.attributes.some(([ak, av]) => ak === k && av === v);
const includesCi = (hay: string, needle: string): boolean => hay.toLowerCase().includes(needle.toLowerCase());

function rootMatches(root: SpanRecord, trace: () => SpanRecord[], q: TraceListQuery, nowNs: bigint): boolean {
  if (!q.include_internal && isInternalSpan(root)) return false;
  if (q.service_name !== undefined && !includesCi(root.serviceName, q.service_name)) return false;
  if (q.status !== undefined && !root.status.includes(q.status.toLowerCase())) return false;
  const d = durationMs(root, nowNs);
  if (q.min_duration_ms !== undefined && d < q.min_duration_ms) return false;
  if (q.max_duration_ms !== undefined && d > q.max_duration_ms) return false;
  const end = root.end === 0n ? nowNs : root.end;
  if (q.start_time !== undefined && end < msToNs(q.start_time)) return false;
  if (q.end_time !== undefined && root.start > msToNs(q.end_time)) return false;
  // Name and attribute filters look at the root only, or at every span with search_all_spans.
  const scope = q.search_all_spans ? trace().filter((s) => q.include_internal || !isInternalSpan(s)) : [root];
  if (q.name !== undefined && !scope.some((s) => includesCi(s.name, q.name!))) return false;
  for (const pair of q.attributes ?? []) if (!scope.some((s) => has(s, pair))) return false;
  for (const pair of q.exclude_attributes ?? []) if (scope.some((s) => has(s, pair))) return false;
  return true;
}

/** A listed root with its sort keys computed once (durations involve bigint maths). */
interface Match {
  root: SpanRecord;
  duration: number;
}

const cmp = <T extends string | bigint | number>(x: T, y: T): number => (x < y ? -1 : x > y ? 1 : 0);

/** Sort keys by `sort_by` value; unknown values fall back to start_time, like the reference. */
const SORT_KEYS = new Map<string, (a: Match, b: Match) => number>([
  ['start_time', () => 0],
  ['duration', (a, b) => a.duration - b.duration],
  ['duration_ms', (a, b) => a.duration - b.duration],
  ['service_name', (a, b) => cmp(a.root.serviceName, b.root.serviceName)],
  ['name', (a, b) => cmp(a.root.name, b.root.name)],
]);

function comparator(q: TraceListQuery): (a: Match, b: Match) => number {
  const byStart = (a: Match, b: Match): number => cmp(a.root.start, b.root.start) || cmp(a.root.spanId, b.root.spanId);
  const primary = SORT_KEYS.get(q.sort_by ?? 'start_time') ?? byStart;
  const sign = sortOrder(q) === 'desc' ? -1 : 1;
  return (a, b) => sign * (primary(a, b) || byStart(a, b));
}

/**
 * `sort_order` as asked; when absent, newest first for the default start-time sort (the reference
 * sorts ascending, so its `limit=1` returns the oldest trace while the tutorial promises the latest)
 * and ascending for the other keys, as in the reference. `sort_order=asc` keeps the oldest-first list.
 */
export function sortOrder(q: Pick<TraceListQuery, 'sort_by' | 'sort_order'>): 'asc' | 'desc' {
  const asked = q.sort_order?.toLowerCase();
  if (asked === 'asc' || asked === 'desc') return asked;
  const byStartTime = q.sort_by === undefined || q.sort_by === 'start_time' || !SORT_KEYS.has(q.sort_by);
  return byStartTime ? 'desc' : 'asc';
}

/** Merged `iii.tag.*`, `iii.session.*` and `iii.message.id` attributes of a whole trace. */
export function traceTags(trace: SpanRecord[]): Record<string, string> {
  const tags: Record<string, string> = {};
  for (const s of trace)
    for (const [k, v] of s.attributes) if (k.startsWith('iii.tag.') || k.startsWith('iii.session.') || k === 'iii.message.id') tags[k] = v;
  return tags;
}

export function listTraces(
  source: TraceSource,
  q: TraceListQuery,
  nowNs: bigint,
): { spans: Record<string, unknown>[]; total: number; offset: number; limit: number } {
  // Asking for trace ids is a lookup, not a scan.
  const ids =
    q.trace_id !== undefined || q.trace_ids !== undefined
      ? new Set([...(q.trace_ids ?? []), ...(q.trace_id ? [q.trace_id] : [])])
      : source.traceIds();
  const matches: Match[] = [];
  for (const traceId of ids) {
    const trace = (): SpanRecord[] => source.trace(traceId);
    for (const root of source.roots(traceId))
      if (rootMatches(root, trace, q, nowNs)) matches.push({ root, duration: durationMs(root, nowNs) });
  }
  matches.sort(comparator(q));
  const page = matches.slice(q.offset, q.offset + q.limit).map(({ root }) => {
    const json = spanJson(root);
    const tags = traceTags(source.trace(root.traceId));
    if (Object.keys(tags).length > 0) json.trace_tags = tags;
    return json;
  });
  return { spans: page, total: matches.length, offset: q.offset, limit: q.limit };
}

export interface GroupByQuery {
  attribute: string;
  since_ms?: number;
  limit: number;
  include_internal?: boolean;
  label_attribute?: string;
}

interface Group {
  value: string;
  label: string | null;
  trace_ids: Set<string>;
  span_count: number;
  first: bigint;
  last: bigint;
  duration_ms: number;
  error_count: number;
}

/**
 * Group spans by the value of one attribute. `since_ms` is an epoch-ms lower bound on span start;
 * `duration_ms` is the sum of the group's span durations. Groups are ordered by most recent activity.
 */
export function groupTraces(
  traces: Iterable<[string, SpanRecord[]]>,
  q: GroupByQuery,
  nowNs: bigint,
): { groups: Record<string, unknown>[] } {
  const groups = new Map<string, Group>();
  const since = q.since_ms === undefined ? undefined : msToNs(q.since_ms);
  for (const [traceId, trace] of traces) {
    for (const s of trace) {
      const value = attr(s, q.attribute);
      if (value === undefined || (since !== undefined && s.start < since) || (!q.include_internal && isInternalSpan(s))) continue;
      const g = groups.get(value) ?? {
        value,
        label: null,
        trace_ids: new Set(),
        span_count: 0,
        first: s.start,
        last: 0n,
        duration_ms: 0,
        error_count: 0,
      };
      g.trace_ids.add(traceId);
      g.span_count++;
      if (s.start < g.first) g.first = s.start;
      const end = s.end === 0n ? nowNs : s.end;
      if (end > g.last) g.last = end;
      g.duration_ms += durationMs(s, nowNs);
      if (s.status === 'error') g.error_count++;
      if (g.label === null && q.label_attribute) g.label = attr(s, q.label_attribute) ?? null;
      groups.set(value, g);
    }
  }
  const out = [...groups.values()].sort((a, b) => (a.last > b.last ? -1 : a.last < b.last ? 1 : a.value.localeCompare(b.value)));
  return {
    groups: out.slice(0, q.limit).map((g) => ({
      value: g.value,
      label: g.label,
      trace_ids: [...g.trace_ids],
      span_count: g.span_count,
      first_seen_ms: Number(g.first / 1_000_000n),
      last_seen_ms: Number(g.last / 1_000_000n),
      duration_ms: g.duration_ms,
      error_count: g.error_count,
    })),
  };
}
