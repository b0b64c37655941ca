/**
 * The `iii-bridge` worker between two real engines in this process, with real iii-sdk workers on both:
 * forward, expose (replayed after a backend restart), bridge.invoke / invoke_async, coded errors,
 * timeouts, a down backend, and config errors.
 */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { connectWorker, startTestEngine, waitForFunction } from '../../helpers/engine.ts';
import { uniqueName } from '../../helpers/names.ts';
import { freePort } from '../../helpers/ports.ts';
import { deferred, waitFor } from '../../helpers/wait.ts';
import { bridgeEntry, rawCall, startBackend } from './harness.ts';

type Coded = { code?: string; message?: string };

describe('iii-bridge: forward and bridge.invoke', () => {
  it('runs a backend function under a local id, and through bridge.invoke / invoke_async', async () => {
    const ns = uniqueName('fw');
    const backend = await startBackend();
    const server = connectWorker(backend.engine);
    const front = await startTestEngine({
      workers: [bridgeEntry(backend.url, { forward: [{ local_function: `${ns}::double`, remote_function: `${ns}::twice` }] })],
    });
    const caller = connectWorker(front);
    try {
      const seen: unknown[] = [];
      server.registerFunction(`${ns}::twice`, async (d: { n: number }) => ({ n: d.n * 2 }));
      server.registerFunction(`${ns}::note`, async (d: unknown) => {
        seen.push(d);
        return null;
      });
      await waitForFunction(backend.engine, `${ns}::note`);
      assert.deepEqual(await caller.trigger({ function_id: `${ns}::double`, payload: { n: 21 } }), { n: 42 });
      const viaInvoke = await caller.trigger({ function_id: 'bridge.invoke', payload: { function_id: `${ns}::twice`, data: { n: 5 } } });
      assert.deepEqual(viaInvoke, { n: 10 });
      assert.equal(
        await caller.trigger({ function_id: 'bridge.invoke_async', payload: { function_id: `${ns}::note`, data: { x: 1 } } }),
        undefined,
      );
      await waitFor(() => seen.length === 1, { what: 'the async call on the backend' });
      assert.equal((seen[0] as { x: number }).x, 1);
    } finally {
      await Promise.all([caller.shutdown(), server.shutdown()]);
      await front.stop();
      await backend.stop();
    }
  });

  it('keeps the remote error code: bridge_error with origin and remote_code on the wire, code in the message', async () => {
    const backend = await startBackend();
    const front = await startTestEngine({ workers: [bridgeEntry(backend.url)] });
    try {
      const frame = await rawCall(front.workerUrl, 'bridge.invoke', { function_id: 'configuration::get', data: { id: 'no-such-entry' } });
      const error = frame.error as { code: string; message: string; origin?: string; remote_code?: string };
      assert.equal(error.code, 'bridge_error');
      assert.equal(error.origin, 'remote');
      assert.equal(error.remote_code, 'NOT_FOUND');
      assert.match(error.message, /NOT_FOUND/);
      const missing = await rawCall(front.workerUrl, 'bridge.invoke', { function_id: uniqueName('nope') });
      assert.equal((missing.error as Record<string, string>).remote_code, 'function_not_found');
      const bad = await rawCall(front.workerUrl, 'bridge.invoke', { data: 1 });
      assert.equal((bad.error as Record<string, string>).code, 'deserialization_error');
    } finally {
      await front.stop();
      await backend.stop();
    }
  });

  it('times out a forwarded call after timeout_ms (link_code E_BRIDGE_TIMEOUT)', async () => {
    const ns = uniqueName('slow');
    const backend = await startBackend();
    const server = connectWorker(backend.engine);
    const front = await startTestEngine({
      workers: [
        bridgeEntry(backend.url, { forward: [{ local_function: `${ns}::local`, remote_function: `${ns}::hang`, timeout_ms: 150 }] }),
      ],
    });
    const caller = connectWorker(front);
    const release = deferred(20_000, 'release');
    try {
      server.registerFunction(`${ns}::hang`, async () => {
        await release.promise;
        return null;
      });
      await waitForFunction(backend.engine, `${ns}::hang`);
      await assert.rejects(caller.trigger({ function_id: `${ns}::local`, payload: {} }), (e: Coded) => {
        assert.equal(e.code, 'bridge_error');
        assert.match(e.message ?? '', /E_BRIDGE_TIMEOUT/);
        return true;
      });
    } finally {
      release.resolve();
      await Promise.all([caller.shutdown(), server.shutdown()]);
      await front.stop();
      await backend.stop();
    }
  });

  it('fails fast while the backend is down (bounded wait, nothing queued for later)', async () => {
    const port = await freePort();
    const front = await startTestEngine({ workers: [bridgeEntry(`ws://127.0.0.1:${port}`, { offline_wait_ms: 100 })] });
    try {
      const sync = await rawCall(front.workerUrl, 'bridge.invoke', { function_id: 'state::get', data: {} });
      assert.equal((sync.error as Record<string, string>).link_code, 'E_BRIDGE_OFFLINE');
      const fire = await rawCall(front.workerUrl, 'bridge.invoke_async', { function_id: 'state::get', data: {} });
      assert.equal((fire.error as Record<string, string>).link_code, 'E_BRIDGE_OFFLINE');
    } finally {
      await front.stop();
    }
  });
});

describe('iii-bridge: expose', () => {
  it('serves a local function on the backend, keeps error codes, and registers it again after a backend restart', async () => {
    const ns = uniqueName('ex');
    const backend = await startBackend();
    const front = await startTestEngine({
      workers: [
        bridgeEntry(backend.url, {
          expose: [{ local_function: `${ns}::hello` }, { local_function: 'configuration::get', remote_function: `${ns}::config_get` }],
        }),
      ],
    });
    const local = connectWorker(front);
    let remote = connectWorker(backend.engine);
    try {
      local.registerFunction(`${ns}::hello`, async (d: { name: string }) => ({ greeting: `hello ${d.name}` }));
      await waitForFunction(front, `${ns}::hello`);
      await waitForFunction(backend.engine, `${ns}::hello`);
      assert.deepEqual(await remote.trigger({ function_id: `${ns}::hello`, payload: { name: 'b' } }), { greeting: 'hello b' });
      await assert.rejects(remote.trigger({ function_id: `${ns}::config_get`, payload: { id: 'absent' } }), (e: Coded) => {
        assert.equal(e.code, 'NOT_FOUND'); // the local code, not invocation_failed
        return true;
      });

      await remote.shutdown();
      const fresh = await backend.restart();
      remote = connectWorker(fresh);
      await waitForFunction(fresh, `${ns}::hello`, 15_000);
      assert.deepEqual(await remote.trigger({ function_id: `${ns}::hello`, payload: { name: 'again' } }), { greeting: 'hello again' });
    } finally {
      await Promise.all([local.shutdown(), remote.shutdown()]);
      await front.stop();
      await backend.stop();
    }
  });
});

describe('iii-bridge: one id exposed by two engines', () => {
  it('is served by both as replicas on the backend, and by the survivor when one engine stops', async () => {
    const ns = uniqueName('rep');
    const id = `${ns}::who`;
    const backend = await startBackend();
    const expose = [bridgeEntry(backend.url, { expose: [{ local_function: `${ns}::local`, remote_function: id }] })];
    const a = await startTestEngine({ workers: expose });
    const b = await startTestEngine({ workers: expose });
    const wa = connectWorker(a);
    const wb = connectWorker(b);
    const caller = connectWorker(backend.engine);
    try {
      wa.registerFunction(`${ns}::local`, async () => 'a');
      wb.registerFunction(`${ns}::local`, async () => 'b');
      await Promise.all([waitForFunction(a, `${ns}::local`), waitForFunction(b, `${ns}::local`)]);
      await waitFor(() => backend.engine.api.hasFunction(id));
      const seen = new Set<unknown>();
      await waitFor(
        async () => {
          seen.add(await caller.trigger({ function_id: id, payload: {} }));
          return seen.size === 2;
        },
        { what: 'calls reaching both engines' },
      );
      await wa.shutdown();
      await a.stop();
      for (let i = 0; i < 4; i++) assert.equal(await caller.trigger({ function_id: id, payload: {} }), 'b');
    } finally {
      await Promise.all([wa.shutdown(), wb.shutdown(), caller.shutdown()]);
      await Promise.all([a.stop(), b.stop()]);
      await backend.stop();
    }
  });
});

describe('iii-bridge: configuration', () => {
  it('refuses unknown keys and a missing url with messages that say what to fix; accepts service_id/service_name', async () => {
    const saved = process.env.III_URL;
    delete process.env.III_URL;
    try {
      await assert.rejects(startTestEngine({ workers: [bridgeEntry('ws://127.0.0.1:1', { exposes: [] })] }), /exposes: unknown key/);
      await assert.rejects(startTestEngine({ workers: [{ name: 'iii-bridge' }] }), /url \(or env III_URL\) is required/);
      await assert.rejects(startTestEngine({ workers: [bridgeEntry('http://x')] }), /must be a ws:\/\/ or wss:\/\/ URL/);
    } finally {
      if (saved !== undefined) process.env.III_URL = saved;
    }
    const backend = await startBackend();
    const name = uniqueName('edge');
    const front = await startTestEngine({ workers: [bridgeEntry(backend.url, { service_id: 'edge', service_name: name })] });
    try {
      await waitFor(
        async () => {
          const r = (await backend.engine.api.invoke('engine::workers::list', {})) as { workers: Array<{ name: string | null }> };
          return r.workers.some((w) => w.name?.startsWith(`${name}@`));
        },
        { what: 'the bridge listed on the backend under service_name' },
      );
    } finally {
      await front.stop();
      await backend.stop();
    }
  });

  it('refuses a url that points at this engine itself (E_BRIDGE_SELF) instead of calling itself', async () => {
    const port = await freePort();
    const engine = await startTestEngine({
      workers: [{ name: 'iii-worker-manager', config: { port } }, bridgeEntry(`ws://127.0.0.1:${port}`, { offline_wait_ms: 2000 })],
    });
    try {
      await waitFor(
        async () => {
          const r = await rawCall(engine.workerUrl, 'bridge.invoke', { function_id: 'state::get', data: {} });
          return (
            (r.error as Record<string, string>).link_code === 'E_BRIDGE_CLOSED' ||
            (r.error as Record<string, string>).link_code === 'E_BRIDGE_SELF'
          );
        },
        { what: 'the self-pointing link to stop' },
      );
    } finally {
      await engine.stop();
    }
  });
});
