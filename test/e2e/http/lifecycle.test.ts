/** Config validation, the concurrency limit, and live reconfiguration (rebind, CORS). */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { startTestEngine } from '../../helpers/engine.ts';
import { freePort } from '../../helpers/ports.ts';
import { deferred } from '../../helpers/wait.ts';
import { startHttp, uniquePath } from './harness.ts';

describe('http e2e: lifecycle', () => {
  it('rejects unknown keys, also inside cors and middleware entries', async () => {
    await assert.rejects(
      startTestEngine({
        workers: [
          {
            name: 'http',
            config: { bogus: 1, cors: { allowed_origins: ['*'], extra: true }, middleware: [{ function_id: 'm', when: 'x' }] },
          },
        ],
      }),
      (err: Error & { code?: string }) => {
        assert.equal(err.code, 'E_CONFIG_INVALID');
        assert.match(err.message, /bogus/);
        assert.match(err.message, /cors\.extra/);
        assert.match(err.message, /middleware\.0\.when/);
        return true;
      },
    );
  });

  it('concurrency_request_limit makes excess requests wait for a free slot', async () => {
    const h = await startHttp({ concurrency_request_limit: 1 });
    const p = uniquePath();
    const bRan = deferred<void>(30_000, 'B');
    const aEntered = deferred<void>(10_000, 'A entered');
    const order: string[] = [];
    try {
      await h.route({ api_path: `${p}/a` }, async () => {
        aEntered.resolve();
        // With a working limit B cannot run while A holds the only slot, so A ends by its own timeout.
        const sawB = await Promise.race([bRan.promise.then(() => true), new Promise<boolean>((r) => setTimeout(() => r(false), 300))]);
        order.push(sawB ? 'a-saw-b' : 'a-alone');
        return { body: 'a' };
      });
      await h.route({ api_path: `${p}/b` }, async () => {
        order.push('b');
        bRan.resolve();
        return { body: 'b' };
      });
      const a = fetch(`${h.base}${p}/a`);
      await aEntered.promise;
      const b = fetch(`${h.base}${p}/b`);
      assert.equal((await a).status, 200);
      assert.equal((await b).status, 200);
      assert.deepEqual(order, ['a-alone', 'b']);
    } finally {
      bRan.resolve();
      await h.close();
    }
  });

  it('reconfigure applies CORS live and rebinds to a new port, closing the old one', async () => {
    const h = await startHttp();
    try {
      const p = uniquePath();
      await h.route({ api_path: `${p}/r` }, async () => ({ body: 'ok' }));
      const before = await fetch(`${h.base}${p}/r`, { headers: { origin: 'http://x.example' } });
      assert.equal(before.headers.get('access-control-allow-origin'), '*');

      await h.engine.reconfigure('http', {
        host: '127.0.0.1',
        port: 0,
        cors: { allowed_origins: ['http://ok.example'], allowed_methods: [] },
      });
      const denied = await fetch(`${h.base}${p}/r`, { headers: { origin: 'http://x.example' } });
      assert.equal(denied.headers.get('access-control-allow-origin'), null);

      const port = await freePort();
      await h.engine.reconfigure('http', { host: '127.0.0.1', port });
      const moved = await fetch(`http://127.0.0.1:${port}${p}/r`);
      assert.equal(moved.status, 200);
      assert.equal(await moved.json(), 'ok');
      await assert.rejects(fetch(`${h.base}${p}/r`), 'the old listener is closed');
    } finally {
      await h.close();
    }
  });
});
