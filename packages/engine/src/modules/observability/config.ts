/**
 * `config/iii-observability.yaml` (workers.md §8.5). Defaults are the reference's built-in ones.
 * `exporter` / `logs_exporter` `otlp|both` export over OTLP/HTTP JSON (otlp-exporter.ts);
 * `metrics_exporter: otlp` is accepted (so reference configs load) and logged as unsupported.
 */
import { type Schema, s } from '../../core/config/schema.ts';

const exporter = s.enum(['memory', 'otlp', 'both'] as const);

const samplingRule = s.looseObject({
  operation: s.string().optional(),
  service: s.string().optional(),
  rate: s.number().min(0).max(1),
});

const sampling = s.object({
  default: s.number().min(0).max(1).optional(),
  parent_based: s.boolean().default(true),
  rules: s.array(samplingRule).default([]),
  rate_limit: s.object({ max_traces_per_second: s.number().min(0) }).optional(),
});

/**
 * An alert rule: `metric` is an SDK metric name (average of its points over `window_seconds`) or an
 * engine figure (`invocations.total|success|error|error_rate`, `workers.active`,
 * `performance.<avg|p50|p95|p99|min|max>_duration_ms`).
 */
const alertRule = s.looseObject({
  name: s.string().nonEmpty(),
  metric: s.string().nonEmpty(),
  threshold: s.number(),
  operator: s.enum(['>', '>=', '<', '<=', '==', '!=', 'gt', 'gte', 'lt', 'lte', 'eq', 'ne'] as const).default('>'),
  window_seconds: s.integer().min(1).default(60),
  cooldown_seconds: s.integer().min(0).default(300),
  enabled: s.boolean().default(true),
  action: s
    .looseObject({ type: s.enum(['log', 'webhook', 'function'] as const), function_id: s.string().optional(), url: s.string().optional() })
    .default({ type: 'log', function_id: undefined, url: undefined }),
});

/**
 * `collapse_spans`: span names that `engine::traces::tree` removes, reparenting their children
 * to the nearest kept ancestor. A trailing `*` makes a prefix match (`state_triggers*`).
 */
const collapseRule = s.union<string | { name: string }>(s.string(), s.object({ name: s.string() }));

export const observabilityConfigSchema = s.object({
  enabled: s.boolean().default(true),
  service_name: s.string().default('iii'),
  /** Absent → env `SERVICE_VERSION` or the engine version (the reference default `${SERVICE_VERSION:<version>}`). */
  service_version: s.string().optional(),
  service_namespace: s.string().optional(),
  exporter: exporter.default('memory'),
  endpoint: s.string().default('http://localhost:4317'),
  memory_max_spans: s.integer().min(1).default(1_000_000),
  live_spans: s.boolean().default(false),
  metrics_enabled: s.boolean().default(true),
  metrics_exporter: s.enum(['memory', 'otlp'] as const).default('memory'),
  metrics_retention_seconds: s.integer().min(1).default(3600),
  metrics_max_count: s.integer().min(1).default(10_000),
  logs_enabled: s.boolean().default(true),
  logs_exporter: exporter.default('memory'),
  logs_max_count: s.integer().min(1).default(1000),
  logs_retention_seconds: s.integer().min(1).default(3600),
  logs_console_output: s.boolean().default(true),
  logs_sampling_ratio: s.number().min(0).max(1).default(1),
  logs_batch_size: s.integer().min(1).optional(),
  logs_flush_interval_ms: s.integer().min(0).optional(),
  sampling_ratio: s.number().min(0).max(1).default(1),
  sampling: sampling.optional(),
  alerts: s.array(alertRule).default([]),
  level: s.string().optional(),
  format: s.enum(['default', 'json'] as const).optional(),
  collapse_spans: s.array(collapseRule).default([]),
});

type Infer<S> = S extends Schema<infer T> ? T : never;
export type ObservabilityConfig = Infer<typeof observabilityConfigSchema>;

/** The memory store is on for traces unless the exporter is `otlp` only. */
export function tracesInMemory(c: ObservabilityConfig): boolean {
  return c.enabled && c.exporter !== 'otlp';
}

export function logsInMemory(c: ObservabilityConfig): boolean {
  return c.enabled && c.logs_enabled && c.logs_exporter !== 'otlp';
}

export function metricsInMemory(c: ObservabilityConfig): boolean {
  return c.enabled && c.metrics_enabled && c.metrics_exporter === 'memory';
}

/** Is `name` removed by a collapse rule? */
export function isCollapsed(rules: ObservabilityConfig['collapse_spans'], name: string): boolean {
  return rules.some((r) => {
    const pattern = typeof r === 'string' ? r : r.name;
    return pattern.endsWith('*') ? name.startsWith(pattern.slice(0, -1)) : name === pattern;
  });
}
