/** `iii trigger` against an engine whose worker port requires the engine secret: $III_ENGINE_SECRET is sent. */
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { connectWorker, startTestEngine, type TestEngine, waitForFunction } from '../../../test/helpers/engine.ts';
import { uniqueName } from '../../../test/helpers/names.ts';
import { iii, tempDir } from './run-cli.ts';

describe('iii trigger with the engine secret', () => {
  const secret = uniqueName('secret');
  const ns = uniqueName('cli-secret');
  const cwd = tempDir();
  let engine: TestEngine;
  let worker: ReturnType<typeof connectWorker>;

  before(async () => {
    engine = await startTestEngine({ workers: [{ name: 'iii-worker-manager', config: { host: '0.0.0.0', secret } }] });
    worker = connectWorker(engine, ns, { headers: { authorization: `Bearer ${secret}` } });
    worker.registerFunction(`${ns}::ping`, async () => ({ pong: true }));
    await waitForFunction(engine, `${ns}::ping`);
  });
  after(async () => {
    await worker.shutdown();
    await engine.stop();
  });

  it('passes $III_ENGINE_SECRET; without it the engine answers AUTH_ERROR', async () => {
    const ok = await iii(cwd, ['trigger', `${ns}::ping`, '--url', engine.workerUrl], { III_ENGINE_SECRET: secret });
    assert.equal(ok.code, 0, ok.stderr);
    assert.deepEqual(JSON.parse(ok.stdout), { pong: true });
    const refused = await iii(cwd, ['trigger', `${ns}::ping`, '--url', engine.workerUrl, '--timeout-ms', '10000']);
    assert.equal(refused.code, 1);
    assert.match(refused.stderr, /^error\[AUTH_ERROR\]: this listener requires the engine secret\n {2}hint: set III_ENGINE_SECRET/);
  });
});
