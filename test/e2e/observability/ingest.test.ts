/**
 * Raw telemetry sockets: malformed frames are dropped without closing the socket, and frames after
 * them are still ingested; prefixed binary frames on the worker socket `/` are accepted too.
 */
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import WebSocket from 'ws';
import { startTestEngine, type TestEngine } from '../../helpers/engine.ts';
import { uniqueName } from '../../helpers/names.ts';
import { onceEvent, waitFor } from '../../helpers/wait.ts';
import { logFrame } from './frames.ts';
import { listLogs } from './helpers.ts';

async function open(url: string): Promise<WebSocket> {
  const ws = new WebSocket(url);
  await onceEvent(ws, 'open');
  return ws;
}

async function rejectedFrames(engine: TestEngine): Promise<number> {
  const h = (await engine.api.invoke('engine::health::check', {})) as { components: { otel: { details: { frames_rejected: number } } } };
  return h.components.otel.details.frames_rejected;
}

describe('observability: raw telemetry frames', () => {
  let engine: TestEngine;
  before(async () => {
    engine = await startTestEngine();
  });
  after(() => engine.stop());

  it('/otel: malformed frames are dropped, the socket stays open, a good frame after them is stored', async () => {
    const service = uniqueName('raw');
    const ws = await open(`${engine.workerUrl}/otel`);
    try {
      const before = await rejectedFrames(engine);
      const closed: unknown[] = [];
      ws.on('close', (code) => closed.push(code));
      ws.send(Buffer.from('XXXX{"resourceLogs":[]}'), { binary: true }); // unknown prefix
      ws.send(Buffer.from('LOGS{not json'), { binary: true }); // bad JSON
      ws.send(Buffer.from('MTRC[1,2,3]'), { binary: true }); // not an object
      ws.send(Buffer.from('OT'), { binary: true }); // too short
      ws.send('LOGS{"text":"frames are ignored"}'); // text frame
      ws.send(logFrame(service, `after junk ${service}`), { binary: true });
      const log = await waitFor(async () => (await listLogs(engine)).find((l) => l.body === `after junk ${service}`), {
        what: 'good frame',
      });
      assert.equal(log.service_name, service);
      assert.deepEqual(log.attributes['log.data'], { n: 7 });
      assert.equal(ws.readyState, WebSocket.OPEN);
      assert.deepEqual(closed, []);
      // the transport may pre-filter unknown prefixes; whatever reaches the parser is counted as rejected
      assert.ok((await rejectedFrames(engine)) - before >= 2);
      // and the socket still works afterwards
      ws.send(logFrame(service, `still open ${service}`), { binary: true });
      await waitFor(async () => (await listLogs(engine)).some((l) => l.body === `still open ${service}`), { what: 'second good frame' });
    } finally {
      ws.close();
    }
  });

  it('the worker socket / also accepts prefixed telemetry frames', async () => {
    const service = uniqueName('main');
    const ws = await open(engine.workerUrl);
    try {
      ws.send(Buffer.from('LOGS{oops'), { binary: true });
      ws.send(logFrame(service, `via main socket ${service}`), { binary: true });
      await waitFor(async () => (await listLogs(engine)).some((l) => l.body === `via main socket ${service}`), { what: 'frame on /' });
      assert.equal(ws.readyState, WebSocket.OPEN);
    } finally {
      ws.close();
    }
  });

  it('ingestFrame reports what happened without throwing', () => {
    const telemetry = engine.api.services.get('telemetry');
    assert.ok(telemetry);
    const bad = telemetry.ingestFrame(Buffer.from('NOPE{}'), {});
    assert.equal(bad.ok, false);
    assert.equal(bad.error?.code, 'E_OTEL_BAD_FRAME');
    const good = telemetry.ingestFrame(logFrame(uniqueName('direct'), 'direct'), {});
    assert.deepEqual({ ok: good.ok, signal: good.signal, stored: good.stored }, { ok: true, signal: 'logs', stored: 1 });
  });

  it('recordEngineLog stores engine log lines (JSON-safe fields) without throwing', async () => {
    const telemetry = engine.api.services.get('telemetry')!;
    const msg = uniqueName('engine line');
    const cyclic: Record<string, unknown> = {};
    cyclic.self = cyclic;
    telemetry.recordEngineLog('warn', msg, { worker: 'w1', n: 10n });
    telemetry.recordEngineLog('error', `${msg} cyclic`, cyclic);
    const logs = await listLogs(engine, { severity_min: 13 });
    const line = logs.find((l) => l.body === msg)!;
    assert.deepEqual(
      { text: line.severity_text, svc: line.service_name, attrs: line.attributes },
      { text: 'WARN', svc: 'iii', attrs: { worker: 'w1', n: '10' } },
    );
    assert.deepEqual(logs.find((l) => l.body === `${msg} cyclic`)!.attributes, {});
  });
});
