/**
 * Linkly chapter 7 on the server side, with iii-browser-sdk in Node standing in for the tab: the RBAC
 * listener admits `?token=dev-token` only, exposes link::create / link::request_delete / stream::*, and
 * link::request_delete deletes only after the tab's user::confirm_destructive_op says yes (and answers
 * E_LINK_NO_BROWSER when no tab is there). The Chromium test (linkly-frontend.test.ts) drives the real page.
 */
import '../../packages/browser-sdk/test/browser-globals.ts';
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { type IIIConnectionState, type ISdk, registerWorker } from 'iii-browser-sdk';
import { uniqueName } from '../helpers/names.ts';
import { waitFor } from '../helpers/wait.ts';
import { connect, follow, iiiTrigger, type Linkly, READY_FUNCTIONS, READY_TRIGGERS, startLinkly } from './linkly-harness.ts';

const READY = { triggers: READY_TRIGGERS, functions: [...READY_FUNCTIONS, 'auth::browser', 'link::request_delete'] };

function tab(app: Linkly, token = 'dev-token'): ISdk {
  return registerWorker(`ws://127.0.0.1:${app.ports.browser}?token=${encodeURIComponent(token)}`, {
    workerName: uniqueName('tab'),
    reconnectionConfig: { initialDelayMs: 50, maxDelayMs: 200 },
  });
}

function until(iii: ISdk, state: IIIConnectionState): Promise<void> {
  return new Promise((resolve) => {
    const off = iii.addConnectionStateListener((s) => {
      if (s === state) {
        queueMicrotask(() => off());
        resolve();
      }
    });
  });
}

describe('Linkly chapter 7: the browser listener, auth::browser, link::request_delete', () => {
  let app: Linkly;
  before(async () => {
    app = await startLinkly({ ready: READY });
  });
  after(async () => {
    await app.stop();
    app.remove();
  });

  it('refuses a wrong token, and forbids what the listener does not expose, naming it', async () => {
    const bad = tab(app, 'wrong');
    try {
      await assert.rejects(bad.trigger({ function_id: 'link::create', payload: { url: 'https://iii.dev' } }), { code: 'AUTH_ERROR' });
    } finally {
      await bad.shutdown();
    }
    const iii = tab(app);
    try {
      for (const fn of ['database::execute', 'link::delete']) {
        await assert.rejects(
          iii.trigger({ function_id: fn, payload: { db: 'primary', sql: 'DELETE FROM links', code: 'x' } }),
          (e: Error & { code: string }) => {
            assert.equal(e.code, 'FORBIDDEN');
            assert.ok(e.message.includes(`'${fn}'`), e.message);
            return true;
          },
        );
      }
      const code = uniqueName('ch7').replace('-', '_');
      assert.deepEqual(await iii.trigger({ function_id: 'link::create', payload: { url: 'iii.dev', code } }), {
        code,
        url: 'https://iii.dev',
      });
    } finally {
      await iii.shutdown();
    }
  });

  it('deletes on OK, keeps on Cancel, and says so plainly when no browser is connected', async () => {
    const code = uniqueName('del').replace('-', '_');
    const trusted = connect(app);
    try {
      await trusted.trigger({ function_id: 'link::create', payload: { url: 'https://iii.dev/docs', code } });
      // no tab yet: a coded error at once, not a hang
      await assert.rejects(iiiTrigger(app, ['link::request_delete', `code=${code}`]), /E_LINK_NO_BROWSER/);

      const iii = tab(app);
      const answers: boolean[] = [false, true];
      const asked: unknown[] = [];
      iii.registerFunction('user::confirm_destructive_op', async (req: { code: string; action: string }) => {
        asked.push({ code: req.code, action: req.action });
        return { confirmed: answers.shift() ?? false };
      });
      try {
        await until(iii, 'connected');
        await waitFor(
          async () => {
            const r = (await trusted.trigger({ function_id: 'engine::functions::list', payload: {} })) as {
              functions: { function_id: string }[];
            };
            return r.functions.some((f) => f.function_id === 'user::confirm_destructive_op');
          },
          { timeoutMs: 30_000, what: "the tab's confirm function" },
        );

        assert.deepEqual(JSON.parse(await iiiTrigger(app, ['link::request_delete', `code=${code}`])), { code, deleted: false });
        assert.equal((await follow(app, code)).status, 302);
        assert.deepEqual(JSON.parse(await iiiTrigger(app, ['link::request_delete', `code=${code}`])), { code, deleted: true });
        assert.equal((await follow(app, code)).status, 404);
        assert.deepEqual(asked, [
          { code, action: `delete ${code}` },
          { code, action: `delete ${code}` },
        ]);
      } finally {
        await iii.shutdown();
      }
    } finally {
      await trusted.shutdown();
    }
  });
});
