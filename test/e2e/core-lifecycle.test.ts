/** Engine core: channels, custom trigger types, a worker killed mid-call, reconnect after an engine restart. */
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { createHash, randomBytes } from 'node:crypto';
import { after, before, describe, it } from 'node:test';
import { createChannel } from 'iii-sdk/helpers';
import { connectWorker, startTestEngine, type TestEngine, waitForFunction } from '../helpers/engine.ts';
import { uniqueName } from '../helpers/names.ts';
import { deferred, waitFor } from '../helpers/wait.ts';

describe('engine core: lifecycle', () => {
  let engine: TestEngine;
  before(async () => {
    engine = await startTestEngine();
  });
  after(() => engine.stop());

  it('carries a large binary stream between two workers over a channel, in order', async () => {
    const ns = uniqueName('chan');
    const producer = connectWorker(engine);
    const consumer = connectWorker(engine);
    const payload = randomBytes(8 * 1024 * 1024 + 123);
    try {
      consumer.registerFunction(`${ns}::digest`, async (input: { reader: { stream: AsyncIterable<Buffer> } }) => {
        const hash = createHash('sha256');
        let bytes = 0;
        for await (const chunk of input.reader.stream) {
          hash.update(chunk);
          bytes += chunk.length;
        }
        return { bytes, sha256: hash.digest('hex') };
      });
      await waitForFunction(engine, `${ns}::digest`);
      const channel = await createChannel(producer, 8);
      const result = producer.trigger({ function_id: `${ns}::digest`, payload: { reader: channel.readerRef } });
      channel.writer.stream.end(payload);
      assert.deepEqual(await result, { bytes: payload.length, sha256: createHash('sha256').update(payload).digest('hex') });
    } finally {
      await producer.shutdown();
      await consumer.shutdown();
    }
  });

  it('runs custom trigger types end to end, including triggers registered before the type', async () => {
    const ns = uniqueName('ctt');
    const owner = connectWorker(engine);
    const user = connectWorker(engine);
    const registered = new Map<string, { function_id: string; config: unknown }>();
    const unregistered = deferred<string>(5000, 'unregisterTrigger');
    const fired = deferred<unknown>(5000, 'fired trigger');
    try {
      user.registerFunction(`${ns}::on-tick`, async (d: unknown) => {
        fired.resolve(d);
        return null;
      });
      // bound before the type exists: parked, then delivered when the owner registers the type
      const early = user.registerTrigger({ type: `${ns}::ticker`, function_id: `${ns}::on-tick`, config: { every: 5 } });
      await waitForFunction(engine, `${ns}::on-tick`);
      owner.registerTriggerType<{ every: number }>(
        { id: `${ns}::ticker`, description: 'ticks' },
        {
          async registerTrigger(t) {
            registered.set(t.id, { function_id: t.function_id, config: t.config });
          },
          async unregisterTrigger(t) {
            unregistered.resolve(t.id);
          },
        },
      );
      const [id, t] = await waitFor(() => [...registered.entries()][0], { what: 'trigger delivered to its type owner' });
      assert.deepEqual(t, { function_id: `${ns}::on-tick`, config: { every: 5 } });
      // the owner fires it with an ordinary invocation
      await owner.trigger({ function_id: t.function_id, payload: { tick: 1 } });
      assert.equal(((await fired.promise) as { tick: number }).tick, 1);
      early.unregister();
      assert.equal(await unregistered.promise, id);
    } finally {
      await owner.shutdown();
      await user.shutdown();
    }
  });

  it('tells the caller at once when the worker executing its call is killed', async () => {
    const ns = uniqueName('kill');
    const child = spawn(process.execPath, ['--import', 'tsx', '--input-type=module', '-e', workerScript(engine.workerUrl, `${ns}::hang`)], {
      stdio: ['ignore', 'pipe', 'inherit'],
    });
    const caller = connectWorker(engine);
    try {
      await waitForFunction(engine, `${ns}::hang`);
      const started = Date.now();
      const call = caller.trigger({ function_id: `${ns}::hang`, payload: {}, timeoutMs: 30_000 });
      await waitFor(() => child.stdout.read()?.toString().includes('started'), { what: 'handler started' });
      child.kill('SIGKILL');
      await assert.rejects(call, (e: { code?: string }) => {
        assert.equal(e.code, 'invocation_stopped');
        return true;
      });
      assert.ok(Date.now() - started < 10_000, 'the caller was told well before its 30 s timeout');
      await waitFor(() => !engine.api.hasFunction(`${ns}::hang`), { what: 'function removed after the kill' });
    } finally {
      child.kill('SIGKILL');
      await caller.shutdown();
    }
  });

  it('lets a worker reconnect and re-register after the engine restarts on the same port', async () => {
    const first = await startTestEngine();
    const port = Number(new URL(first.workerUrl).port);
    const ns = uniqueName('reconnect');
    const w = connectWorker(first, undefined, { reconnectionConfig: { initialDelayMs: 50, maxDelayMs: 200 } });
    let second: TestEngine | undefined;
    try {
      w.registerFunction(`${ns}::ping`, async () => 'pong');
      await waitForFunction(first, `${ns}::ping`);
      await first.stop();
      second = await startTestEngine({ workers: [{ name: 'iii-worker-manager', config: { port } }] });
      await waitForFunction(second, `${ns}::ping`);
      assert.equal(await w.trigger({ function_id: `${ns}::ping`, payload: {} }), 'pong');
    } finally {
      await w.shutdown();
      await second?.stop();
    }
  });
});

function workerScript(url: string, fn: string): string {
  return `
    import { registerWorker } from 'iii-sdk';
    const w = registerWorker(${JSON.stringify(url)}, { workerName: 'doomed', otel: { enabled: false }, enableMetricsReporting: false });
    w.registerFunction(${JSON.stringify(fn)}, () => { process.stdout.write('started\\n'); return new Promise(() => {}); });
  `;
}
