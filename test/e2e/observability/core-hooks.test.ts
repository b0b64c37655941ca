/** Needs the core hooks (router → tracer/telemetry, workers::info → latest_metrics). */
import assert from 'node:assert/strict';
import { it } from 'node:test';
import { connectWorker, startTestEngine, waitForFunction } from '../../helpers/engine.ts';
import { uniqueName } from '../../helpers/names.ts';
import { waitFor } from '../../helpers/wait.ts';
import { gaugeFrame, hex } from './frames.ts';
import { listSpans, treeOf } from './helpers.ts';

it('built-in calls with trace context get call spans; invocations are counted; workers::info has latest_metrics', async () => {
  const engine = await startTestEngine({ workers: [{ name: 'state' }] });
  const name = uniqueName('hooked');
  const w = connectWorker(engine, name);
  try {
    await waitForFunction(engine, 'state::get');
    const traceId = hex(16);
    const parent = hex(8);
    await engine.api.invoke('state::get', { scope: 's', key: 'k' }, { traceparent: `00-${traceId}-${parent}-01` });
    await engine.api.invoke('state::get', { scope: 's', key: 'k' });
    const [root] = await treeOf(engine, traceId);
    assert.equal(root?.name, 'call state::get');
    assert.equal(root?.parent_span_id, parent);
    assert.equal((await listSpans(engine, { name: 'call state::get' })).total, 1);
    const m = (await engine.api.invoke('engine::metrics::list', {})) as {
      engine_metrics: { invocations: { by_function: Record<string, { total: number }> } };
    };
    assert.equal(m.engine_metrics.invocations.by_function['state::get']?.total, 2);
    const list = (await engine.api.invoke('engine::workers::list', {})) as { workers: Array<{ name: string; id: string }> };
    const id = await waitFor(
      async () => ((await engine.api.invoke('engine::workers::list', {})) as typeof list).workers.find((x) => x.name === name)?.id,
      { what: 'worker' },
    );
    engine.api.services.get('telemetry')!.ingestFrame(gaugeFrame('svc', id, { 'iii.worker.memory.rss': 1234 }), {});
    const info = (await engine.api.invoke('engine::workers::info', { name })) as {
      worker: { latest_metrics?: { memory_rss?: number; runtime: string } };
    };
    assert.equal(info.worker.latest_metrics?.memory_rss, 1234);
  } finally {
    await w.shutdown();
    await engine.stop();
  }
});
