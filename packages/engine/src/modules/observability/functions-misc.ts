/**
 * `engine::metrics::list`, `engine::health::check`, `engine::sampling::rules`, `engine::baggage::*`
 * (protocol.md §5.2).
 */
import { z } from 'zod';
import { defineFunction, noInput } from '../define-function.ts';
import type { LocalFunction } from '../module.ts';
import { parseBaggage } from './clock.ts';
import { logsInMemory, metricsInMemory, tracesInMemory } from './config.ts';
import type { ObservabilityHub } from './hub.ts';
import type { MetricRecord } from './metric-store.ts';

const metricsInput = z.looseObject({
  start_time: z.number().optional(),
  end_time: z.number().optional(),
  metric_name: z.string().optional(),
  aggregate_interval: z.int().min(1).optional().describe('bucket size in seconds'),
});

const timeMs = (m: MetricRecord): number => Number(m.time / 1_000_000n);

function metricJson(m: MetricRecord): Record<string, unknown> {
  return {
    name: m.name,
    description: m.description ?? null,
    unit: m.unit ?? null,
    type: m.kind,
    value: m.value ?? null,
    ...(m.count !== undefined ? { count: m.count } : {}),
    timestamp_ms: timeMs(m),
    attributes: m.attributes,
    service_name: m.serviceName,
  };
}

/** Per metric name and time bucket: count/sum/min/max/avg of the point values. */
export function aggregate(points: MetricRecord[], intervalS: number): Record<string, unknown>[] {
  const buckets = new Map<string, { metric_name: string; bucket_start_ms: number; values: number[] }>();
  const width = intervalS * 1000;
  for (const p of points) {
    if (p.value === undefined) continue;
    const start = Math.floor(timeMs(p) / width) * width;
    const key = `${p.name}\u0000${start}`;
    const b = buckets.get(key) ?? { metric_name: p.name, bucket_start_ms: start, values: [] };
    b.values.push(p.value);
    buckets.set(key, b);
  }
  return [...buckets.values()]
    .sort((a, b) => a.bucket_start_ms - b.bucket_start_ms || a.metric_name.localeCompare(b.metric_name))
    .map(({ metric_name, bucket_start_ms, values }) => {
      const sum = values.reduce((x, y) => x + y, 0);
      return {
        metric_name,
        bucket_start_ms,
        interval_seconds: intervalS,
        count: values.length,
        sum,
        min: Math.min(...values),
        max: Math.max(...values),
        avg: sum / values.length,
      };
    });
}

function metricsList(hub: ObservabilityHub): LocalFunction {
  return defineFunction({
    id: 'engine::metrics::list',
    description: 'Engine invocation/worker counters and stored SDK metric points',
    input: metricsInput,
    handler(q) {
      const c = hub.counters;
      const points = metricsInMemory(hub.config)
        ? hub.metrics.points
            .items()
            .filter(
              (m) =>
                (q.metric_name === undefined || m.name === q.metric_name) &&
                (q.start_time === undefined || timeMs(m) >= q.start_time) &&
                (q.end_time === undefined || timeMs(m) <= q.end_time),
            )
        : [];
      const out: Record<string, unknown> = {
        engine_metrics: {
          invocations: {
            total: c.total,
            success: c.success,
            error: c.error,
            deferred: c.deferred,
            by_function: Object.fromEntries(c.byFunction),
          },
          workers: { spawns: c.spawns, deaths: c.deaths, active: Math.max(0, c.spawns - c.deaths) },
          performance: c.performance(),
        },
        sdk_metrics: points.map(metricJson),
        timestamp: Date.now(),
      };
      if (q.aggregate_interval !== undefined) out.aggregated_metrics = aggregate(points, q.aggregate_interval);
      const { start_time, end_time, metric_name, aggregate_interval } = q;
      if ([start_time, end_time, metric_name, aggregate_interval].some((v) => v !== undefined))
        out.query = {
          start_time: start_time ?? null,
          end_time: end_time ?? null,
          metric_name: metric_name ?? null,
          aggregate_interval: aggregate_interval ?? null,
        };
      return out;
    },
  });
}

function healthCheck(hub: ObservabilityHub, version: string): LocalFunction {
  return defineFunction({
    id: 'engine::health::check',
    description: 'Status of the telemetry pipeline',
    input: noInput,
    handler() {
      const c = hub.config;
      const component = (on: boolean, details: Record<string, unknown>): Record<string, unknown> => ({
        status: on ? 'healthy' : 'disabled',
        details,
      });
      return {
        status: 'healthy',
        components: {
          otel: component(c.enabled, {
            service_name: c.service_name,
            exporter: c.exporter,
            frames_accepted: hub.frames.accepted,
            frames_rejected: hub.frames.rejected,
          }),
          metrics: component(metricsInMemory(c), {
            exporter: c.metrics_exporter,
            stored: hub.metrics.points.size,
            max: c.metrics_max_count,
          }),
          logs: component(logsInMemory(c), { exporter: c.logs_exporter, stored: hub.logs.size, max: c.logs_max_count }),
          spans: component(tracesInMemory(c), { stored: hub.spans.size, max: c.memory_max_spans }),
        },
        timestamp: Date.now(),
        version,
      };
    },
  });
}

function samplingRules(hub: ObservabilityHub): LocalFunction {
  return defineFunction({
    id: 'engine::sampling::rules',
    description: 'Active sampling configuration',
    input: noInput,
    handler() {
      const c = hub.config;
      return {
        traces: {
          default_ratio: c.sampling?.default ?? c.sampling_ratio,
          rules: (c.sampling?.rules ?? []).map((r) => ({ operation: r.operation ?? null, service: r.service ?? null, rate: r.rate })),
          parent_based: c.sampling?.parent_based ?? true,
        },
        logs: { sampling_ratio: c.logs_sampling_ratio },
        timestamp: Date.now(),
      };
    },
  });
}

/**
 * The engine has no ambient baggage of its own: `get`/`get_all` read the caller's `baggage` header
 * (diagnostic), `set` changes nothing (no propagation), as in the reference.
 */
function baggageFunctions(): LocalFunction[] {
  const getInput = z.looseObject({ key: z.string() });
  const setInput = z.looseObject({ key: z.string(), value: z.string() });
  return [
    defineFunction({
      id: 'engine::baggage::get',
      description: 'Read one baggage entry of the caller context',
      input: getInput,
      handler: (req, call) => ({ value: parseBaggage(call.baggage)[req.key] ?? null }),
    }),
    defineFunction({
      id: 'engine::baggage::set',
      description: 'Accepted for compatibility; baggage is not propagated by the engine',
      input: setInput,
      handler: (_input) => {
        return { success: true, note: 'Baggage set in engine context only; it is not propagated to other invocations' };
      },
    }),
    defineFunction({
      id: 'engine::baggage::get_all',
      description: 'All baggage entries of the caller context',
      input: noInput,
      handler: (_input, call) => ({ baggage: parseBaggage(call.baggage) }),
    }),
  ];
}

export function miscFunctions(hub: ObservabilityHub, version: string): LocalFunction[] {
  return [metricsList(hub), healthCheck(hub, version), samplingRules(hub), ...baggageFunctions()];
}
