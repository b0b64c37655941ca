/**
 * The bridge link against a real engine: what happens to calls when the backend goes away and comes back.
 * These are the places where the link does better than the reference (docs/scale-out.md, "The bridge").
 */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { createLogger } from '@triad/engine';
import { BridgeLink } from '@triad/engine/internal';
import { connectWorker, waitForFunction } from '../../helpers/engine.ts';
import { uniqueName } from '../../helpers/names.ts';
import { freePort } from '../../helpers/ports.ts';
import { deferred, waitFor } from '../../helpers/wait.ts';
import { startBackend } from './harness.ts';

const log = createLogger('link-test', { level: 'silent' });
type Coded = { code?: string; details?: Record<string, unknown> };
const hasCode = (code: string) => (e: Coded) => {
  assert.equal(e.code, code);
  return true;
};

describe('bridge link', () => {
  it('fails a call in flight when the connection drops (E_BRIDGE_DISCONNECTED), not after its timeout', async () => {
    const ns = uniqueName('drop');
    const backend = await startBackend();
    const server = connectWorker(backend.engine);
    const link = new BridgeLink({ url: backend.url, workerName: 'test-link', log, timeoutMs: 60_000 });
    const entered = deferred(10_000, 'handler entered');
    try {
      server.registerFunction(`${ns}::hang`, () => {
        entered.resolve();
        return new Promise(() => {});
      });
      await waitForFunction(backend.engine, `${ns}::hang`);
      link.start();
      const call = link.call(`${ns}::hang`, {});
      await entered.promise;
      await server.shutdown();
      await backend.stop();
      await assert.rejects(call, hasCode('E_BRIDGE_DISCONNECTED'));
    } finally {
      await link.close();
      await server.shutdown();
      await backend.stop();
    }
  });

  it('parks calls made while the backend is down and sends them when it comes up (rides through a restart)', async () => {
    const port = await freePort();
    const link = new BridgeLink({ url: `ws://127.0.0.1:${port}`, workerName: 'test-link', log, offlineWaitMs: 20_000 });
    link.start();
    const parked = link.call('configuration::list', {});
    await waitFor(() => link.parkedCalls === 1, { what: 'the call to be parked' });
    const backend = await startBackend([], port);
    try {
      const r = (await parked) as { configurations: unknown[] };
      assert.ok(Array.isArray(r.configurations));
      assert.equal(link.parkedCalls, 0);
    } finally {
      await link.close();
      await backend.stop();
    }
  });

  it('bounds parked calls: beyond maxParked a call fails at once, and a call that gave up is never sent later', async () => {
    const ns = uniqueName('ghost');
    const port = await freePort();
    const link = new BridgeLink({ url: `ws://127.0.0.1:${port}`, workerName: 'test-link', log, maxParked: 2, offlineWaitMs: 100 });
    link.start();
    const first = link.call(`${ns}::write`, { n: 1 });
    const second = link.call(`${ns}::write`, { n: 2 }, { timeoutMs: 20_000 });
    await assert.rejects(link.call(`${ns}::write`, { n: 3 }), hasCode('E_BRIDGE_OFFLINE'));
    await assert.rejects(first, hasCode('E_BRIDGE_OFFLINE'));
    await assert.rejects(second, hasCode('E_BRIDGE_OFFLINE'));
    assert.throws(() => link.callVoid(`${ns}::write`, { n: 4 }), hasCode('E_BRIDGE_OFFLINE'));

    const backend = await startBackend([], port);
    const server = connectWorker(backend.engine);
    const writes: unknown[] = [];
    try {
      server.registerFunction(`${ns}::write`, async (d: { n: number }) => {
        writes.push(d.n);
        return d.n;
      });
      await waitForFunction(backend.engine, `${ns}::write`);
      await waitFor(() => link.connected, { what: 'the link to connect' });
      assert.equal(await link.call(`${ns}::write`, { n: 5 }), 5);
      assert.deepEqual(writes, [5], 'the calls that gave up while offline never reached the backend');
    } finally {
      await link.close();
      await server.shutdown();
      await backend.stop();
    }
  });

  it('presents the backend secret; without it the backend refuses with AUTH_ERROR', async () => {
    const secret = uniqueName('s3cret');
    const backend = await startBackend([], undefined, { secret });
    const good = new BridgeLink({ url: backend.url, workerName: 'test-link', log, secret });
    const bad = new BridgeLink({ url: backend.url, workerName: 'test-link', log, offlineWaitMs: 20_000 });
    good.start();
    bad.start();
    try {
      assert.ok(Array.isArray(((await good.call('configuration::list', {})) as { configurations: unknown[] }).configurations));
      await assert.rejects(bad.call('configuration::list', {}), hasCode('AUTH_ERROR'));
      assert.equal(bad.connected, false);
    } finally {
      await Promise.all([good.close(), bad.close()]);
      await backend.stop();
    }
  });

  it('keeps the remote code and marks the origin', async () => {
    const backend = await startBackend();
    const link = new BridgeLink({ url: backend.url, workerName: 'test-link', log });
    link.start();
    try {
      await assert.rejects(link.call('configuration::get', { id: 'missing' }), (e: Coded) => {
        assert.equal(e.code, 'NOT_FOUND');
        assert.equal(e.details?.origin, 'remote');
        return true;
      });
      await link.close();
      await assert.rejects(link.call('configuration::list', {}), hasCode('E_BRIDGE_CLOSED'));
    } finally {
      await link.close();
      await backend.stop();
    }
  });
});
