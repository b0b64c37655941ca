/**
 * The `state` bridge adapter: two front engines serve their state from one backend engine. Real engines,
 * real iii-sdk workers. Every change, whichever engine made it (the backend included), fires each engine's
 * `state` triggers once.
 */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { connectWorker, startTestEngine } from '../../helpers/engine.ts';
import { uniqueName } from '../../helpers/names.ts';
import { freePort } from '../../helpers/ports.ts';
import { waitFor } from '../../helpers/wait.ts';
import { recordTrigger, startBackend } from './harness.ts';

type Coded = { code?: string; message?: string };
type StateEvent = { event_type: string; key: string; old_value: unknown; new_value: unknown };

const bridgedState = (url: string, extra: Record<string, unknown> = {}) => ({
  name: 'state',
  config: { adapter: { name: 'bridge', config: { bridge_url: url, ...extra } } },
});

describe('state: bridge adapter', () => {
  it('shares data between engines and fires every engine’s triggers once per change, backend writes included', async () => {
    const backend = await startBackend([{ name: 'state' }]);
    const a = await startTestEngine({ workers: [bridgedState(backend.url)] });
    const b = await startTestEngine({ workers: [bridgedState(backend.url)] });
    const wa = connectWorker(a);
    const wb = connectWorker(b);
    const wk = connectWorker(backend.engine);
    try {
      const scope = uniqueName('links');
      const onA = await recordTrigger<StateEvent>(a, wa, 'state', { scope });
      const onB = await recordTrigger<StateEvent>(b, wb, 'state', { scope });
      // Both bridges' subscriptions on the backend are live once a probe write reaches both engines.
      await waitFor(async () => {
        await wa.trigger({ function_id: 'state::set', payload: { scope, key: 'probe', value: 0 } });
        return onA.length > 0 && onB.length > 0;
      });
      const real = (seen: StateEvent[]) => seen.filter((e) => e.key !== 'probe');

      assert.deepEqual(await wa.trigger({ function_id: 'state::set', payload: { scope, key: 'k', value: { n: 1 } } }), {
        old_value: null,
        new_value: { n: 1 },
      });
      assert.deepEqual(await wb.trigger({ function_id: 'state::get', payload: { scope, key: 'k' } }), { n: 1 });
      const u = await wb.trigger({
        function_id: 'state::update',
        payload: { scope, key: 'k', ops: [{ type: 'increment', path: 'n', by: 2 }] },
      });
      assert.deepEqual(u, { old_value: { n: 1 }, new_value: { n: 3 } });
      await wk.trigger({ function_id: 'state::set', payload: { scope, key: 'direct', value: 'from the backend' } });
      assert.deepEqual(await wa.trigger({ function_id: 'state::delete', payload: { scope, key: 'k' } }), { n: 3 });
      const expected = [
        ['state:created', 'k'],
        ['state:updated', 'k'],
        ['state:created', 'direct'],
        ['state:deleted', 'k'],
      ];
      for (const seen of [onA, onB]) {
        await waitFor(() => real(seen).length >= expected.length, { what: 'four state events' });
        assert.deepEqual(
          real(seen).map((e) => [e.event_type, e.key]),
          expected,
        );
      }
      assert.deepEqual(real(onB)[1], {
        type: 'state',
        event_type: 'state:updated',
        scope,
        key: 'k',
        old_value: { n: 1 },
        new_value: { n: 3 },
      });
      const list = (await wa.trigger({ function_id: 'state::list', payload: { scope } })) as unknown[];
      assert.deepEqual(list.sort(), [0, 'from the backend'].sort());
      const groups = (await wb.trigger({ function_id: 'state::list_groups', payload: {} })) as { groups: string[] };
      assert.ok(groups.groups.includes(scope));
    } finally {
      await Promise.all([wa.shutdown(), wb.shutdown(), wk.shutdown()]);
      await Promise.all([a.stop(), b.stop()]);
      await backend.stop();
    }
  });

  it('keeps the backend’s codes (VALUE_TOO_LARGE) and names the link failure when the backend is down', async () => {
    const backend = await startBackend([{ name: 'state', config: { max_value_bytes: 16 } }]);
    const a = await startTestEngine({ workers: [bridgedState(backend.url)] });
    const down = await startTestEngine({ workers: [bridgedState(`ws://127.0.0.1:${await freePort()}`, { bridge_timeout_ms: 200 })] });
    const wa = connectWorker(a);
    const wd = connectWorker(down);
    try {
      const scope = uniqueName('big');
      await assert.rejects(wa.trigger({ function_id: 'state::set', payload: { scope, key: 'k', value: 'x'.repeat(100) } }), (e: Coded) => {
        assert.equal(e.code, 'VALUE_TOO_LARGE');
        return true;
      });
      await assert.rejects(wd.trigger({ function_id: 'state::get', payload: { scope, key: 'k' } }), (e: Coded) => {
        assert.equal(e.code, 'GET_ERROR');
        assert.match(e.message ?? '', /E_BRIDGE_OFFLINE/);
        return true;
      });
    } finally {
      await Promise.all([wa.shutdown(), wd.shutdown()]);
      await Promise.all([a.stop(), down.stop()]);
      await backend.stop();
    }
  });

  it('refuses a bridge adapter without bridge_url with a message that says so', async () => {
    await assert.rejects(
      startTestEngine({ workers: [{ name: 'state', config: { adapter: { name: 'bridge', config: {} } } }] }),
      /bridge_url is required/,
    );
  });
});
