/** engine::alerts::* and engine::rollups::list on a real engine, fed through the telemetry service. */
import assert from 'node:assert/strict';
import { it } from 'node:test';
import { startTestEngine } from '../../helpers/engine.ts';
import { uniqueName } from '../../helpers/names.ts';
import { waitFor } from '../../helpers/wait.ts';
import { gaugeFrame, hex } from './frames.ts';
import { listLogs } from './helpers.ts';

it('alerts fire their action once per cooldown, and metric points roll up per minute', async () => {
  const target = uniqueName('alert::sink');
  const engine = await startTestEngine({
    workers: [
      {
        name: 'iii-observability',
        config: {
          logs_console_output: false,
          alerts: [
            { name: 'errors', metric: 'invocations.error', threshold: 0, operator: '>', action: { type: 'function', function_id: target } },
            { name: 'rss', metric: 'iii.worker.memory.rss', threshold: 1000, operator: '>=', window_seconds: 600 },
            { name: 'off', metric: 'invocations.total', threshold: -1, enabled: false },
          ],
        },
      },
    ],
  });
  const received: unknown[] = [];
  const dispose = engine.api.registerFunction({ id: target, handler: (input) => void received.push(input) });
  try {
    const none = (await engine.api.invoke('engine::alerts::evaluate', {})) as { evaluated: number; triggered_alerts: string[] };
    assert.deepEqual({ evaluated: none.evaluated, triggered: none.triggered_alerts }, { evaluated: 2, triggered: [] });

    const telemetry = engine.api.services.get('telemetry')!;
    telemetry.recordInvocation('some::fn', 'error', 3);
    const workerId = hex(16);
    assert.ok(telemetry.ingestFrame(gaugeFrame('svc', workerId, { 'iii.worker.memory.rss': 4000 }), {}).ok);
    assert.ok(telemetry.ingestFrame(gaugeFrame('svc', workerId, { 'iii.worker.memory.rss': 2000 }), {}).ok);

    const fired = (await engine.api.invoke('engine::alerts::evaluate', {})) as { triggered_alerts: string[] };
    assert.deepEqual(fired.triggered_alerts.sort(), ['errors', 'rss']);
    const again = (await engine.api.invoke('engine::alerts::evaluate', {})) as { triggered_alerts: string[] };
    assert.deepEqual(again.triggered_alerts, [], 'cooldown holds the second firing back');

    const list = (await engine.api.invoke('engine::alerts::list', {})) as {
      firing_count: number;
      alerts: Array<{ name: string; last_value: number | null }>;
    };
    assert.equal(list.firing_count, 2);
    assert.equal(list.alerts.find((a) => a.name === 'rss')!.last_value, 3000);
    await waitFor(() => received.length === 1, { what: 'the alert function action' });
    assert.equal((received[0] as { alert: string; value: number }).alert, 'errors');
    const warn = (await listLogs(engine, { severity_text: 'warn' })).map((l) => l.body);
    assert.ok(warn.includes("Alert 'errors' firing: invocations.error = 1 > 0"));

    const r = (await engine.api.invoke('engine::rollups::list', { metric_name: 'iii.worker.memory.rss' })) as {
      rollups: Array<{ metric_name: string; count: number; min: number; max: number; avg: number; interval_seconds: number }>;
      level: number;
    };
    assert.equal(r.level, 0);
    const total = r.rollups.reduce((n, b) => n + b.count, 0);
    assert.equal(total, 2);
    assert.ok(r.rollups.every((b) => b.interval_seconds === 60 && b.metric_name === 'iii.worker.memory.rss'));
    assert.equal(telemetry.latestWorkerMetrics(workerId)?.memory_rss, 2000);
  } finally {
    dispose();
    await engine.stop();
  }
});
