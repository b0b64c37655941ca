/**
 * `engine::alerts::list|evaluate` and `engine::rollups::list` (protocol.md §5.2).
 * Alerts are evaluated on demand and every `ALERT_TICK_MS` while any rule is enabled.
 */
import { z } from 'zod';
import { defineFunction, noInput } from '../define-function.ts';
import type { EngineApi, LocalFunction } from '../module.ts';
import { nowNanos } from './clock.ts';
import type { ObservabilityConfig } from './config.ts';
import { aggregate } from './functions-misc.ts';
import type { ObservabilityHub } from './hub.ts';

type Rule = ObservabilityConfig['alerts'][number];
interface AlertState {
  firing: boolean;
  last_value: number | null;
  last_evaluated_ms: number | null;
  last_fired_ms: number | null;
}

export const ALERT_TICK_MS = 10_000;
const COMPARE: Record<Rule['operator'], (v: number, t: number) => boolean> = {
  '>': (v, t) => v > t,
  gt: (v, t) => v > t,
  '>=': (v, t) => v >= t,
  gte: (v, t) => v >= t,
  '<': (v, t) => v < t,
  lt: (v, t) => v < t,
  '<=': (v, t) => v <= t,
  lte: (v, t) => v <= t,
  '==': (v, t) => v === t,
  eq: (v, t) => v === t,
  '!=': (v, t) => v !== t,
  ne: (v, t) => v !== t,
};

/** Current value of a rule's metric, or null when there is no data. */
function metricValue(hub: ObservabilityHub, rule: Rule, nowMs: number): number | null {
  const c = hub.counters;
  const engine: Record<string, number> = {
    'invocations.total': c.total,
    'invocations.success': c.success,
    'invocations.error': c.error,
    'invocations.error_rate': c.total === 0 ? 0 : c.error / c.total,
    'workers.active': Math.max(0, c.spawns - c.deaths),
  };
  for (const [k, v] of Object.entries(c.performance())) engine[`performance.${k}`] = v;
  if (rule.metric in engine) return engine[rule.metric]!;
  const since = BigInt(nowMs - rule.window_seconds * 1000) * 1_000_000n;
  const values = hub.metrics.points
    .items()
    .filter((p) => p.name === rule.metric && p.time >= since && p.value !== undefined)
    .map((p) => p.value!);
  return values.length === 0 ? null : values.reduce((a, b) => a + b, 0) / values.length;
}

export class Alerts {
  private readonly state = new Map<string, AlertState>();
  private timer: NodeJS.Timeout | undefined;

  constructor(
    private readonly hub: ObservabilityHub,
    private readonly engine: EngineApi,
  ) {}

  /** (Re)arm the periodic evaluation according to the current rules. */
  schedule(): void {
    if (this.timer) clearInterval(this.timer);
    this.timer = this.hub.config.alerts.some((r) => r.enabled) ? setInterval(() => this.evaluate(), ALERT_TICK_MS).unref() : undefined;
  }

  stop(): void {
    if (this.timer) clearInterval(this.timer);
    this.timer = undefined;
  }

  evaluate(): { evaluated: number; triggered: string[] } {
    const now = Date.now();
    const triggered: string[] = [];
    const rules = this.hub.config.alerts.filter((r) => r.enabled);
    for (const rule of rules) {
      const st = this.stateOf(rule.name);
      const value = metricValue(this.hub, rule, now);
      st.last_value = value;
      st.last_evaluated_ms = now;
      st.firing = value !== null && COMPARE[rule.operator](value, rule.threshold);
      const cooled = st.last_fired_ms === null || now - st.last_fired_ms >= rule.cooldown_seconds * 1000;
      if (st.firing && cooled) {
        st.last_fired_ms = now;
        triggered.push(rule.name);
        this.fire(rule, value!);
      }
    }
    return { evaluated: rules.length, triggered };
  }

  list(): Record<string, unknown> {
    const alerts = this.hub.config.alerts.map((r) => ({
      name: r.name,
      metric: r.metric,
      threshold: r.threshold,
      operator: r.operator,
      enabled: r.enabled,
      ...this.stateOf(r.name),
    }));
    return { alerts, rules: this.hub.config.alerts, firing_count: alerts.filter((a) => a.firing).length, timestamp: Date.now() };
  }

  private stateOf(name: string): AlertState {
    let st = this.state.get(name);
    if (!st) {
      st = { firing: false, last_value: null, last_evaluated_ms: null, last_fired_ms: null };
      this.state.set(name, st);
    }
    return st;
  }

  private fire(rule: Rule, value: number): void {
    const payload = {
      alert: rule.name,
      metric: rule.metric,
      value,
      threshold: rule.threshold,
      operator: rule.operator,
      timestamp: Date.now(),
    };
    const message = `Alert '${rule.name}' firing: ${rule.metric} = ${value} ${rule.operator} ${rule.threshold}`;
    if (rule.action.type === 'function' && rule.action.function_id) this.engine.invokeVoid(rule.action.function_id, payload);
    else if (rule.action.type === 'webhook' && rule.action.url)
      fetch(rule.action.url, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(payload) }).catch(
        () => undefined,
      );
    const now = nowNanos();
    const svc = this.hub.config.service_name;
    const record = {
      time: now,
      observed: now,
      severityNumber: 13,
      severityText: 'WARN',
      body: message,
      traceId: null,
      spanId: null,
      serviceName: svc,
    };
    this.hub.addLog(
      { ...record, attributes: { 'alert.name': rule.name, 'alert.value': value }, resource: { 'service.name': svc } },
      'call',
    );
  }
}

const rollupInput = z.looseObject({
  start_time: z.number().optional(),
  end_time: z.number().optional(),
  level: z.int().min(0).max(2).optional(),
  metric_name: z.string().optional(),
});
const LEVEL_SECONDS = [60, 300, 3600] as const;

export function alertFunctions(hub: ObservabilityHub, alerts: Alerts): LocalFunction[] {
  return [
    defineFunction({
      id: 'engine::alerts::list',
      description: 'Configured alert rules and their state',
      input: noInput,
      handler: () => alerts.list(),
    }),
    defineFunction({
      id: 'engine::alerts::evaluate',
      description: 'Evaluate every enabled alert rule now',
      input: noInput,
      handler: () => {
        const r = alerts.evaluate();
        return { evaluated: r.evaluated, triggered_alerts: r.triggered, timestamp: Date.now() };
      },
    }),
    defineFunction({
      id: 'engine::rollups::list',
      description: 'SDK metric points rolled up per 1m (level 0), 5m (1) or 1h (2)',
      input: rollupInput,
      handler(q) {
        const level = q.level ?? 0;
        const points = hub.metrics.points.items().filter((p) => {
          const ms = Number(p.time / 1_000_000n);
          return (
            (q.metric_name === undefined || p.name === q.metric_name) &&
            (q.start_time === undefined || ms >= q.start_time) &&
            (q.end_time === undefined || ms <= q.end_time)
          );
        });
        return {
          rollups: aggregate(points, LEVEL_SECONDS[level] ?? 60),
          histogram_rollups: [],
          level,
          source: 'memory',
          query: { ...q, level },
          timestamp: Date.now(),
        };
      },
    }),
  ];
}
