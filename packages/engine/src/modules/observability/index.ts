/**
 * `iii-observability` (mandatory): stores SDK and engine telemetry in memory and answers queries.
 * See workers.md §8 and protocol.md §5.2/§7. Provides the `telemetry` and `tracer` services
 * (declared by the core in core/telemetry.ts) and the `log` / `trace` trigger types.
 */

import { check } from '../../core/config/schema.ts';
import type { TelemetrySink } from '../../core/telemetry.ts';
import type { Disposer, EngineModule, ModuleContext, ModuleInstance } from '../module.ts';
import { type ObservabilityConfig, observabilityConfigSchema } from './config.ts';
import { Alerts, alertFunctions } from './functions-alerts.ts';
import { logFunctions } from './functions-logs.ts';
import { miscFunctions } from './functions-misc.ts';
import { traceFunctions } from './functions-traces.ts';
import { ObservabilityHub } from './hub.ts';
import { OtlpExporter } from './otlp-exporter.ts';
import { createTracer } from './tracer.ts';
import { logTriggerType, traceTriggerType } from './triggers.ts';

export const observabilityModule: EngineModule<ObservabilityConfig> = {
  name: 'iii-observability',
  displayName: 'Observability',
  description: 'Traces, logs and metrics from workers and the engine, kept in memory and queryable',
  mandatory: true,
  configSchema: observabilityConfigSchema,
  create: (ctx, config) => createObservability(ctx, config),
};

function createObservability(ctx: ModuleContext, config: ObservabilityConfig): ModuleInstance {
  const hub = new ObservabilityHub(config, ctx.log.child('otel'));
  const { engine } = ctx;
  const version = config.service_version ?? process.env.SERVICE_VERSION ?? engine.version;
  const disposers: Disposer[] = [];
  const exporter = createExporter(ctx, hub, config, disposers);

  const sink: TelemetrySink = {
    ingestFrame: (frame, source) => hub.ingestFrame(frame, source),
    ingestFrameLater: (frame, source) => hub.ingestFrameLater(frame, source),
    latestWorkerMetrics: (workerId) => hub.metrics.latestFor(workerId),
    recordInvocation: (fn, outcome, ms) => hub.counters.recordInvocation(fn, outcome, ms),
    recordEngineLog: (level, message, fields) => {
      try {
        hub.addEngineLog(level, message, fields);
      } catch {
        // a log line must never break the caller
      }
    },
  };
  disposers.push(engine.services.provide('telemetry', sink));
  disposers.push(engine.services.provide('tracer', createTracer(hub, engine.version)));

  const alerts = new Alerts(hub, engine);
  alerts.schedule();
  disposers.push(() => alerts.stop());
  const functions = [...logFunctions(hub), ...traceFunctions(hub), ...miscFunctions(hub, version), ...alertFunctions(hub, alerts)];
  for (const fn of functions) disposers.push(engine.registerFunction(fn));
  for (const make of [logTriggerType, traceTriggerType]) {
    const t = make(hub, engine);
    disposers.push(t.dispose, engine.registerTriggerType(t.def));
  }
  disposers.push(
    engine.on('worker:connected', () => hub.counters.spawns++),
    engine.on('worker:disconnected', ({ workerId }) => {
      hub.counters.deaths++;
      hub.metrics.forgetWorker(workerId);
    }),
  );

  return {
    reconfigure(next) {
      const r = check(observabilityConfigSchema, next);
      if (!r.ok) return;
      hub.reconfigure(r.value);
      alerts.schedule();
    },
    async stop() {
      for (const d of disposers.splice(0).reverse()) d();
      await exporter?.stop();
    },
  };
}

/** `exporter` / `logs_exporter` `otlp|both`: forward accepted spans and logs to an OTLP/HTTP collector. */
function createExporter(
  ctx: ModuleContext,
  hub: ObservabilityHub,
  config: ObservabilityConfig,
  disposers: Disposer[],
): OtlpExporter | undefined {
  if (config.metrics_exporter === 'otlp') ctx.log.warn('metrics_exporter: otlp is not implemented; SDK metrics stay in memory only');
  const traces = config.exporter !== 'memory';
  const logs = config.logs_exporter !== 'memory';
  if (!config.enabled || (!traces && !logs)) return undefined;
  if (/:4317\/?$/.test(config.endpoint))
    ctx.log.warn('OTLP export uses OTLP/HTTP JSON; port 4317 is usually gRPC (try 4318)', { endpoint: config.endpoint });
  const exporter = new OtlpExporter(config.endpoint, ctx.log.child('otlp'));
  if (traces) disposers.push(hub.onSpans((spans) => exporter.addSpans(spans.filter((s) => !s.pending))));
  if (logs) disposers.push(hub.onLog((l) => exporter.addLog(l)));
  return exporter;
}
