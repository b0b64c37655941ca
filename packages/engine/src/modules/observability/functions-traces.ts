/** `engine::traces::list|tree|clear|group_by` (protocol.md §5.2, workers.md §8.2). */
import { s } from '../../core/config/schema.ts';
import { EngineError } from '../../core/errors/index.ts';
import { parseInput } from '../../core/input.ts';
import type { LocalFunction } from '../module.ts';
import { nowNanos } from './clock.ts';
import { isCollapsed, tracesInMemory } from './config.ts';
import type { ObservabilityHub } from './hub.ts';
import { groupTraces, listTraces } from './trace-query.ts';
import { buildTree } from './trace-tree.ts';

const pair = s.array(s.string()).describe('[key, value]');
const pairList = s.array(pair);

const listInput = s.looseObject({
  trace_id: s.string().optional(),
  trace_ids: s.array(s.string()).optional(),
  offset: s.integer().min(0).default(0),
  limit: s.integer().min(0).default(100),
  service_name: s.string().optional(),
  name: s.string().optional(),
  status: s.string().optional(),
  min_duration_ms: s.number().optional(),
  max_duration_ms: s.number().optional(),
  start_time: s.number().optional(),
  end_time: s.number().optional(),
  sort_by: s.string().optional(),
  sort_order: s.string().optional(),
  attributes: pairList.optional(),
  exclude_attributes: pairList.optional(),
  include_internal: s.boolean().optional(),
  search_all_spans: s.boolean().optional(),
});

/** `[[k, v], …]` → typed pairs; anything that is not exactly two strings is refused. */
function pairs(list: string[][] | undefined, field: string): Array<[string, string]> | undefined {
  return list?.map((p, i) => {
    if (p.length !== 2) throw new EngineError('deserialization_error', `engine::traces::list: ${field}.${i}: must be a [key, value] pair`);
    return [p[0]!, p[1]!];
  });
}

function requireMemory(hub: ObservabilityHub): void {
  if (!tracesInMemory(hub.config))
    throw new EngineError('memory_exporter_not_enabled', 'In-memory trace storage is not enabled (exporter must be memory or both)');
}

const treeInput = s.looseObject({ trace_id: s.string().nonEmpty() });
const groupInput = s.looseObject({
  attribute: s.string().nonEmpty(),
  since_ms: s.number().optional(),
  limit: s.integer().min(0).default(100),
  include_internal: s.boolean().optional(),
  label_attribute: s.string().optional(),
});

export function traceFunctions(hub: ObservabilityHub): LocalFunction[] {
  return [
    {
      id: 'engine::traces::list',
      description: 'List root spans of stored traces (filters, sorting, paging)',
      request_format: listInput.toJSONSchema(),
      handler(input) {
        const q = parseInput(listInput, input, 'engine::traces::list');
        requireMemory(hub);
        const query = {
          ...q,
          attributes: pairs(q.attributes, 'attributes'),
          exclude_attributes: pairs(q.exclude_attributes, 'exclude_attributes'),
        };
        return listTraces(hub.spans, query, nowNanos());
      },
    },
    {
      id: 'engine::traces::tree',
      description: 'The spans of one trace as a tree',
      request_format: treeInput.toJSONSchema(),
      handler(input) {
        const q = parseInput(treeInput, input, 'engine::traces::tree');
        requireMemory(hub);
        return { roots: buildTree(hub.spans.trace(q.trace_id.toLowerCase()), (name) => isCollapsed(hub.config.collapse_spans, name)) };
      },
    },
    {
      id: 'engine::traces::clear',
      description: 'Drop every stored span',
      handler() {
        requireMemory(hub);
        hub.spans.clear();
        return { success: true };
      },
    },
    {
      id: 'engine::traces::group_by',
      description: 'Group spans by the value of one attribute',
      request_format: groupInput.toJSONSchema(),
      handler(input) {
        const q = parseInput(groupInput, input, 'engine::traces::group_by');
        requireMemory(hub);
        return groupTraces(hub.spans.traces(), q, nowNanos());
      },
    },
  ];
}
