/** Small helpers shared by the observability end-to-end suites. */
import type { RunningEngine } from '@triad/engine';
import { waitFor } from '../../helpers/wait.ts';

export interface SpanJson {
  trace_id: string;
  span_id: string;
  parent_span_id: string | null;
  name: string;
  service_name: string;
  start_time_unix_nano: number;
  end_time_unix_nano: number;
  status: string;
  attributes: Array<[string, string]>;
  events: Array<{ name: string; timestamp_unix_nano: number; attributes: Array<[string, string]> }>;
  children?: SpanJson[];
  trace_tags?: Record<string, string>;
}

export interface LogJson {
  body: string;
  severity_number: number;
  severity_text: string;
  attributes: Record<string, unknown>;
  trace_id: string | null;
  span_id: string | null;
  service_name: string;
  resource: Record<string, string>;
  timestamp_unix_nano: number;
}

export async function listSpans(engine: RunningEngine, query: Record<string, unknown>): Promise<{ spans: SpanJson[]; total: number }> {
  return (await engine.api.invoke('engine::traces::list', query)) as { spans: SpanJson[]; total: number };
}

export async function treeOf(engine: RunningEngine, traceId: string): Promise<SpanJson[]> {
  return ((await engine.api.invoke('engine::traces::tree', { trace_id: traceId })) as { roots: SpanJson[] }).roots;
}

export async function listLogs(engine: RunningEngine, query: Record<string, unknown> = {}): Promise<LogJson[]> {
  return ((await engine.api.invoke('engine::logs::list', query)) as { logs: LogJson[] }).logs;
}

/** Wait until a trigger bound to `functionId` is live in the engine (registertrigger has no ack). */
export async function waitForTrigger(engine: RunningEngine, functionId: string): Promise<void> {
  await waitFor(
    async () => {
      const r = (await engine.api.invoke('engine::registered-triggers::list', { function_id: functionId, include_internal: true })) as {
        registered_triggers: unknown[];
      };
      return r.registered_triggers.length > 0;
    },
    { what: `trigger for ${functionId}` },
  );
}
