/** RBAC listener (protocol.md §9): auth with query params, expose_functions filters, hooks, middleware. */
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import WebSocket from 'ws';
import { connectWorker, startTestEngine, type TestEngine, waitForFunction } from '../helpers/engine.ts';
import { waitFor } from '../helpers/wait.ts';

describe('RBAC worker-manager listener', () => {
  let engine: TestEngine;
  let trusted: ReturnType<typeof connectWorker>;
  let rbacUrl = '';
  let mwUrl = '';
  const delivered: { id: string; function_id: string; config: unknown }[] = [];
  before(async () => {
    engine = await startTestEngine({
      workers: [
        { name: 'iii-worker-manager', config: { host: '127.0.0.1', port: 0 } },
        {
          name: 'iii-worker-manager',
          config: {
            host: '127.0.0.1',
            port: 0,
            rbac: {
              auth_function_id: 'auth::check',
              expose_functions: ['match("pub::*")', { metadata: { public: true } }, "match('engine::functions::*')"],
              on_function_registration_function_id: 'hooks::fn',
              on_trigger_registration_function_id: 'hooks::trigger',
            },
          },
        },
        { name: 'iii-worker-manager', config: { host: '127.0.0.1', port: 0, middleware_function_id: 'mw::gate' } },
      ],
    });
    rbacUrl = engine.addresses['iii-worker-manager#1'] as string;
    mwUrl = engine.addresses['iii-worker-manager#2'] as string;
    trusted = connectWorker(engine, 'trusted');
    trusted.registerFunction('auth::check', async (req: { query_params: Record<string, string[]>; ip_address: string }) => {
      if (req.query_params.token?.[0] !== 'good') throw new Error('invalid token');
      return { context: { user: 'ada', ip: req.ip_address } };
    });
    trusted.registerFunction('hooks::fn', async (r: { function_id: string; context: { user: string } }) =>
      r.function_id.startsWith('evil') ? null : { metadata: { by: r.context.user } },
    );
    trusted.registerFunction('hooks::trigger', async (r: { function_id: string; config: { n: number }; context: { user: string } }) =>
      r.function_id.startsWith('evil') ? null : { config: { ...r.config, by: r.context.user } },
    );
    trusted.registerTriggerType<unknown>(
      { id: 'demo::tick', description: 'records what reaches the type owner' },
      {
        registerTrigger: async (t) => void delivered.push(t),
        unregisterTrigger: async () => {},
      },
    );
    trusted.registerFunction('pub::hello', async () => 'hello');
    trusted.registerFunction('priv::secret', async () => 'secret');
    trusted.registerFunction('meta::open', async () => 'open', { metadata: { public: true } });
    trusted.registerFunction('mw::gate', async (m: { function_id: string; payload: { n: number }; context: unknown }) => ({
      gated: m.function_id,
      n: m.payload.n,
    }));
    for (const f of ['auth::check', 'hooks::fn', 'hooks::trigger', 'pub::hello', 'priv::secret', 'meta::open', 'mw::gate'])
      await waitForFunction(engine, f);
  });
  after(async () => {
    await trusted.shutdown();
    await engine.stop();
  });

  it('lets an authenticated session call only what is exposed, and runs registration hooks', async () => {
    const browser = connectWorker({ workerUrl: `${rbacUrl}/?token=good` }, 'browser');
    try {
      assert.equal(await browser.trigger({ function_id: 'pub::hello', payload: {} }), 'hello');
      assert.equal(await browser.trigger({ function_id: 'meta::open', payload: {} }), 'open');
      // listings only show what the session may call
      const listed = (await browser.trigger({ function_id: 'engine::functions::list', payload: {} })) as {
        functions: Array<{ function_id: string }>;
      };
      assert.deepEqual(listed.functions.map((f) => f.function_id).sort(), ['meta::open', 'pub::hello']);
      await assert.rejects(
        browser.trigger({ function_id: 'engine::functions::info', payload: { function_id: 'priv::secret' } }),
        /FORBIDDEN/,
      );
      await assert.rejects(browser.trigger({ function_id: 'priv::secret', payload: {} }), (e: { code?: string; message: string }) => {
        assert.equal(e.code, 'FORBIDDEN');
        assert.match(e.message, /add to rbac\.expose_functions/);
        return true;
      });
      browser.registerFunction('ui::confirm', async () => ({ confirmed: true }));
      browser.registerFunction('evil::thing', async () => 'x');
      await waitForFunction(engine, 'ui::confirm');
      // the engine may call functions the session registered; the hook's metadata was applied
      assert.deepEqual(await trusted.trigger({ function_id: 'ui::confirm', payload: {} }), { confirmed: true });
      assert.deepEqual(engine.api.getFunction('ui::confirm')?.metadata, { by: 'ada' });
      assert.equal(engine.api.hasFunction('evil::thing'), false);
    } finally {
      await browser.shutdown();
    }
  });

  it('runs the trigger registration hook: rewrites what it allows, drops what it denies', async () => {
    const browser = connectWorker({ workerUrl: `${rbacUrl}/?token=good` }, 'browser-triggers');
    try {
      browser.registerFunction('ui::tick', async () => null);
      browser.registerTrigger({ type: 'demo::tick', function_id: 'ui::tick', config: { n: 1 } });
      browser.registerTrigger({ type: 'demo::tick', function_id: 'evil::tick', config: { n: 2 } });
      browser.registerTrigger({ type: 'demo::tick', function_id: 'ui::tick', config: { n: 3 } });
      // frames of one socket are handled in order: once n=3 arrived, the n=2 registration was decided
      await waitFor(() => delivered.some((t) => (t.config as { n: number }).n === 3), { what: 'the third trigger at its type owner' });
      assert.deepEqual(
        delivered.map((t) => [t.function_id, t.config]),
        [
          ['ui::tick', { n: 1, by: 'ada' }],
          ['ui::tick', { n: 3, by: 'ada' }],
        ],
      );
    } finally {
      await browser.shutdown();
    }
  });

  it('refuses a socket whose auth function throws, with an AUTH_ERROR frame and a close', async () => {
    const ws = new WebSocket(`${rbacUrl}/?token=bad`);
    const frames: string[] = [];
    ws.on('message', (d) => frames.push(d.toString()));
    const code = await new Promise<number>((r) => ws.once('close', (c) => r(c)));
    assert.equal(code, 1008);
    const first = JSON.parse(frames[0] as string) as { type: string; error: { code: string; message: string } };
    assert.equal(first.type, 'error');
    assert.equal(first.error.code, 'AUTH_ERROR');
    assert.match(first.error.message, /invalid token/);
  });

  it('routes calls through the listener middleware instead of the target', async () => {
    const w = connectWorker({ workerUrl: mwUrl });
    try {
      assert.deepEqual(await w.trigger({ function_id: 'pub::hello', payload: { n: 7 } }), { gated: 'pub::hello', n: 7 });
      // engine::* calls bypass the middleware
      const list = (await w.trigger({ function_id: 'engine::functions::list', payload: { prefix: 'pub::' } })) as { functions: unknown[] };
      assert.equal(list.functions.length, 1);
    } finally {
      await w.shutdown();
    }
  });
});
