/** `engine::traces::list|tree|clear|group_by` (protocol.md §5.2, workers.md §8.2). */
import { z } from 'zod';
import { EngineError } from '../../core/errors/index.ts';
import { defineFunction, noInput } from '../define-function.ts';
import type { LocalFunction } from '../module.ts';
import { nowNanos } from './clock.ts';
import { isCollapsed, tracesInMemory } from './config.ts';
import type { ObservabilityHub } from './hub.ts';
import { groupTraces, listTraces } from './trace-query.ts';
import { buildTree } from './trace-tree.ts';

const pair = z.array(z.string()).describe('[key, value]');
const pairList = z.array(pair);

const listInput = z.looseObject({
  trace_id: z.string().optional(),
  trace_ids: z.array(z.string()).optional(),
  offset: z.int().min(0).default(0),
  limit: z.int().min(0).default(100),
  service_name: z.string().optional(),
  name: z.string().optional(),
  status: z.string().optional(),
  min_duration_ms: z.number().optional(),
  max_duration_ms: z.number().optional(),
  start_time: z.number().optional(),
  end_time: z.number().optional(),
  sort_by: z.string().optional(),
  sort_order: z.string().optional().describe('asc or desc; default desc (newest first) for start_time, asc for other keys'),
  attributes: pairList.optional(),
  exclude_attributes: pairList.optional(),
  include_internal: z.boolean().optional(),
  search_all_spans: z.boolean().optional(),
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

const treeInput = z.looseObject({ trace_id: z.string().min(1) });
const groupInput = z.looseObject({
  attribute: z.string().min(1),
  since_ms: z.number().optional(),
  limit: z.int().min(0).default(100),
  include_internal: z.boolean().optional(),
  label_attribute: z.string().optional(),
});

export function traceFunctions(hub: ObservabilityHub): LocalFunction[] {
  return [
    defineFunction({
      id: 'engine::traces::list',
      description: 'List root spans of stored traces (filters, sorting, paging)',
      input: listInput,
      handler(q) {
        requireMemory(hub);
        const query = {
          ...q,
          attributes: pairs(q.attributes, 'attributes'),
          exclude_attributes: pairs(q.exclude_attributes, 'exclude_attributes'),
        };
        return listTraces(hub.spans, query, nowNanos());
      },
    }),
    defineFunction({
      id: 'engine::traces::tree',
      description: 'The spans of one trace as a tree',
      input: treeInput,
      handler(q) {
        requireMemory(hub);
        return { roots: buildTree(hub.spans.trace(q.trace_id.toLowerCase()), (name) => isCollapsed(hub.config.collapse_spans, name)) };
      },
    }),
    defineFunction({
      id: 'engine::traces::clear',
      description: 'Drop every stored span',
      input: noInput,
      handler() {
        requireMemory(hub);
        hub.spans.clear();
        return { success: true };
      },
    }),
    defineFunction({
      id: 'engine::traces::group_by',
      description: 'Group spans by the value of one attribute',
      input: groupInput,
      handler(q) {
        requireMemory(hub);
        return groupTraces(hub.spans.traces(), q, nowNanos());
      },
    }),
  ];
}
