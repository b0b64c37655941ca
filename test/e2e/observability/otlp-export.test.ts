/** `exporter` / `logs_exporter` otlp|both: spans and logs reach an OTLP/HTTP collector (a local HTTP server). */
import assert from 'node:assert/strict';
import { once } from 'node:events';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { it } from 'node:test';
import { startTestEngine } from '../../helpers/engine.ts';
import { uniqueName } from '../../helpers/names.ts';
import { waitFor } from '../../helpers/wait.ts';
import { hex, spansFrame } from './frames.ts';
import { listLogs, listSpans } from './helpers.ts';

it('exports spans (exporter both) and logs (logs_exporter otlp) as OTLP/HTTP JSON', async () => {
  const received: Array<{ path: string; body: string }> = [];
  const collector = createServer((req, res) => {
    let body = '';
    req.on('data', (c: Buffer) => {
      body += c.toString('utf8');
    });
    req.on('end', () => {
      received.push({ path: req.url ?? '', body });
      res.writeHead(200, { 'content-type': 'application/json' }).end('{}');
    });
  });
  collector.listen(0, '127.0.0.1');
  await once(collector, 'listening');
  const endpoint = `http://127.0.0.1:${(collector.address() as AddressInfo).port}/`;
  const engine = await startTestEngine({
    workers: [{ name: 'iii-observability', config: { exporter: 'both', logs_exporter: 'otlp', endpoint, logs_console_output: false } }],
  });
  try {
    const service = uniqueName('exp');
    const traceId = hex(16);
    const start = BigInt(Date.now()) * 1_000_000n;
    assert.ok(
      engine.api.services.get('telemetry')!.ingestFrame(spansFrame(service, [{ traceId, name: 'GET /exported', start, durationMs: 3 }]), {})
        .ok,
    );
    const msg = uniqueName('exported line');
    await engine.api.invoke('engine::log::error', { message: msg, data: { k: 1 }, trace_id: traceId });

    const traces = await waitFor(() => received.find((r) => r.path === '/v1/traces' && r.body.includes(traceId)), {
      what: 'exported spans',
    });
    const body = JSON.parse(traces.body) as {
      resourceSpans: Array<{ resource: { attributes: unknown[] }; scopeSpans: Array<{ spans: Array<Record<string, unknown>> }> }>;
    };
    const span = body.resourceSpans[0]!.scopeSpans[0]!.spans[0]!;
    assert.equal(span.name, 'GET /exported');
    assert.equal(span.startTimeUnixNano, String(start));
    assert.deepEqual(body.resourceSpans[0]!.resource.attributes, [{ key: 'service.name', value: { stringValue: service } }]);
    const logs = await waitFor(() => received.find((r) => r.path === '/v1/logs' && r.body.includes(msg)), { what: 'exported log' });
    const record = (JSON.parse(logs.body) as { resourceLogs: Array<{ scopeLogs: Array<{ logRecords: Array<Record<string, unknown>> }> }> })
      .resourceLogs[0]!.scopeLogs[0]!.logRecords[0]!;
    assert.deepEqual(
      { sev: record.severityNumber, text: record.severityText, trace: record.traceId },
      { sev: 17, text: 'ERROR', trace: traceId },
    );

    // both → spans also queryable; logs exporter otlp only → nothing kept in memory
    assert.equal((await listSpans(engine, { trace_id: traceId })).total, 1);
    assert.deepEqual(await listLogs(engine), []);
  } finally {
    await engine.stop();
    collector.close();
  }
});
