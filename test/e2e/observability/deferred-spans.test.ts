/**
 * Span frames from SDK sockets are queued unparsed and parsed on the next read (modules/observability/
 * span-backlog.ts). What a reader sees must be what parsing at once would have stored: the same newest
 * `memory_max_spans` spans, engine spans kept in arrival order among them, bad frames still counted.
 */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import WebSocket from 'ws';
import { startTestEngine, type TestEngine } from '../../helpers/engine.ts';
import { uniqueName } from '../../helpers/names.ts';
import { onceEvent, waitFor } from '../../helpers/wait.ts';
import { hex, spansFrame } from './frames.ts';
import { listSpans } from './helpers.ts';

const T0 = 1_796_000_000_000_000_000n;
const MAX = 7;

async function rejectedFrames(engine: TestEngine): Promise<number> {
  const h = (await engine.api.invoke('engine::health::check', {})) as { components: { otel: { details: { frames_rejected: number } } } };
  return h.components.otel.details.frames_rejected;
}

/** Twenty frames of three spans each, one trace per frame: span `f<i>s<j>` starts at i*10+j ms. */
function frames(service: string): Buffer[] {
  return Array.from({ length: 20 }, (_, i) =>
    spansFrame(
      service,
      [0, 1, 2].map((j) => ({ traceId: hex(16), name: `f${i}s${j}`, start: T0 + BigInt(i * 10 + j) * 1_000_000n, durationMs: 1 })),
    ),
  );
}

async function storedNames(engine: TestEngine, service: string): Promise<string[]> {
  const r = await listSpans(engine, { service_name: service, include_internal: true, limit: 1000 });
  return r.spans.map((s) => s.name);
}

describe('observability: span frames parsed on read', () => {
  it('a socket-fed store holds exactly what direct ingestion stores, and still counts bad frames', async () => {
    const config = { memory_max_spans: MAX, logs_console_output: false };
    const lazy = await startTestEngine({ workers: [{ name: 'iii-observability', config }] });
    const eager = await startTestEngine({ workers: [{ name: 'iii-observability', config }] });
    const ws = new WebSocket(`${lazy.workerUrl}/otel`);
    try {
      await onceEvent(ws, 'open');
      const service = uniqueName('deferred');
      const all = frames(service);
      const rejectedBefore = await rejectedFrames(lazy);
      for (const f of all) ws.send(f, { binary: true });
      // The last frame's spans appear once the socket's frames are in (a read flushes the queue).
      await waitFor(async () => (await storedNames(lazy, service)).includes('f19s2'), { what: 'the last frame' });
      for (const f of all) assert.ok(eager.api.services.get('telemetry')?.ingestFrame(f, {}).ok);
      const expected = await storedNames(eager, service);
      assert.equal(expected.length, MAX);
      assert.deepEqual(await storedNames(lazy, service), expected);
      // A malformed frame is found out when it is parsed, and counted.
      ws.send(Buffer.from('OTLP{"resourceSpans":[{"scopeSpans":[{"spans":[{"startTimeUnixNano":"1"'), { binary: true });
      ws.send(spansFrame(service, [{ traceId: hex(16), name: 'after', start: T0 + 1_000_000_000n, durationMs: 1 }]), { binary: true });
      await waitFor(async () => (await storedNames(lazy, service)).includes('after'), { what: 'the frame after the bad one' });
      assert.equal((await rejectedFrames(lazy)) - rejectedBefore, 1, 'the truncated frame is rejected when parsed');
    } finally {
      ws.close();
      await lazy.stop();
      await eager.stop();
    }
  });

  it('engine spans queued behind SDK frames keep their arrival order', async () => {
    const engine = await startTestEngine({
      workers: [{ name: 'iii-observability', config: { memory_max_spans: 4, logs_console_output: false } }],
    });
    try {
      const telemetry = engine.api.services.get('telemetry');
      const tracer = engine.api.services.get('tracer');
      assert.ok(telemetry && tracer);
      const service = uniqueName('order');
      const span = (name: string, at: bigint) => ({ traceId: hex(16), name, start: T0 + at, durationMs: 1 });
      // What the transport does with a socket's frames: queue them.
      telemetry.ingestFrameLater(spansFrame(service, [span('a1', 0n), span('a2', 1n), span('a3', 2n)]), {});
      const name = uniqueName('engine-span');
      tracer.startSpan(name).end();
      telemetry.ingestFrameLater(spansFrame(service, [span('b1', 3n)]), {});
      // Store of 4, arrival order a1 a2 a3 <engine> b1: a1 is the one evicted.
      const r = await listSpans(engine, { include_internal: true, limit: 1000 });
      const names = r.spans.map((s) => s.name).filter((n) => n === name || /^[ab]\d$/.test(n));
      assert.deepEqual(names.sort(), ['a2', 'a3', 'b1', name].sort());
    } finally {
      await engine.stop();
    }
  });
});
