/**
 * `config/iii-observability.yaml` (workers.md §8.5). Defaults are the reference's built-in ones.
 * `exporter` / `logs_exporter` `otlp|both` export over OTLP/HTTP JSON (otlp-exporter.ts);
 * `metrics_exporter: otlp` is accepted (so reference configs load) and logged as unsupported.
 */
import { z } from 'zod';

const exporter = z.enum(['memory', 'otlp', 'both'] as const);

const samplingRule = z.looseObject({
  operation: z.string().optional(),
  service: z.string().optional(),
  rate: z.number().min(0).max(1),
});

const sampling = z.strictObject({
  default: z.number().min(0).max(1).optional(),
  parent_based: z.boolean().default(true),
  rules: z.array(samplingRule).default([]),
  rate_limit: z.strictObject({ max_traces_per_second: z.number().min(0) }).optional(),
});

/**
 * An alert rule: `metric` is an SDK metric name (average of its points over `window_seconds`) or an
 * engine figure (`invocations.total|success|error|error_rate`, `workers.active`,
 * `performance.<avg|p50|p95|p99|min|max>_duration_ms`).
 */
const alertRule = z.looseObject({
  name: z.string().min(1),
  metric: z.string().min(1),
  threshold: z.number(),
  operator: z.enum(['>', '>=', '<', '<=', '==', '!=', 'gt', 'gte', 'lt', 'lte', 'eq', 'ne'] as const).default('>'),
  window_seconds: z.int().min(1).default(60),
  cooldown_seconds: z.int().min(0).default(300),
  enabled: z.boolean().default(true),
  action: z
    .looseObject({ type: z.enum(['log', 'webhook', 'function'] as const), function_id: z.string().optional(), url: z.string().optional() })
    .default({ type: 'log', function_id: undefined, url: undefined }),
});

/**
 * `collapse_spans`: span names that `engine::traces::tree` removes, reparenting their children
 * to the nearest kept ancestor. A trailing `*` makes a prefix match (`state_triggers*`).
 */
const collapseRule = z.union([z.string(), z.strictObject({ name: z.string() })]);

export const observabilityConfigSchema = z.strictObject({
  enabled: z.boolean().default(true),
  service_name: z.string().default('iii'),
  /** Absent → env `SERVICE_VERSION` or the engine version (the reference default `${SERVICE_VERSION:<version>}`). */
  service_version: z.string().optional(),
  service_namespace: z.string().optional(),
  exporter: exporter.default('memory'),
  endpoint: z.string().default('http://localhost:4317'),
  memory_max_spans: z.int().min(1).default(1_000_000),
  live_spans: z.boolean().default(false),
  metrics_enabled: z.boolean().default(true),
  metrics_exporter: z.enum(['memory', 'otlp'] as const).default('memory'),
  metrics_retention_seconds: z.int().min(1).default(3600),
  metrics_max_count: z.int().min(1).default(10_000),
  logs_enabled: z.boolean().default(true),
  logs_exporter: exporter.default('memory'),
  logs_max_count: z.int().min(1).default(1000),
  logs_retention_seconds: z.int().min(1).default(3600),
  logs_console_output: z.boolean().default(true),
  logs_sampling_ratio: z.number().min(0).max(1).default(1),
  logs_batch_size: z.int().min(1).optional(),
  logs_flush_interval_ms: z.int().min(0).optional(),
  sampling_ratio: z.number().min(0).max(1).default(1),
  sampling: sampling.optional(),
  alerts: z.array(alertRule).default([]),
  level: z.string().optional(),
  format: z.enum(['default', 'json'] as const).optional(),
  collapse_spans: z.array(collapseRule).default([]),
});

export type ObservabilityConfig = z.output<typeof observabilityConfigSchema>;

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
