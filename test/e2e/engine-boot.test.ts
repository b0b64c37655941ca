/**
 * Boot order: a worker that connects the moment the engine's worker port accepts, and calls a built-in at
 * once, never gets `function_not_found` (the worker listener opens after every other module has started).
 */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { type EngineModule, startEngine, z } from '@triad/engine';
import { registerWorker } from 'iii-sdk';
import { uniqueName } from '../helpers/names.ts';
import { accepts, freePort } from '../helpers/ports.ts';
import { deferred } from '../helpers/wait.ts';

describe('engine boot order', () => {
  it('lets no worker in before the built-in functions exist', async () => {
    const port = await freePort();
    const reached = deferred(20_000, 'the gate module to start');
    const release = deferred(20_000, 'release of the gate module');
    // Listed between the worker listener and `state`: holds the boot right where a worker used to sneak in.
    const gate: EngineModule = {
      name: uniqueName('gate'),
      configSchema: z.object({}),
      create: () => ({
        async start() {
          reached.resolve();
          await release.promise;
        },
      }),
    };
    const booting = startEngine({
      logLevel: 'warn',
      modules: [gate],
      workers: [{ name: 'iii-worker-manager', config: { host: '127.0.0.1', port } }, { name: gate.name }, { name: 'state' }],
    });
    // A boot failure ends the wait for the gate at once (instead of a dangling timeout after the test).
    booting.catch((err: unknown) => reached.reject(err));
    let worker: ReturnType<typeof registerWorker> | undefined;
    try {
      await reached.promise;
      worker = registerWorker(`ws://127.0.0.1:${port}`, {
        workerName: uniqueName('early'),
        otel: { enabled: false },
        enableMetricsReporting: false,
        reconnectionConfig: { initialDelayMs: 10, maxDelayMs: 20, jitterFactor: 0 },
      });
      const call = worker.trigger({ function_id: 'state::get', payload: { scope: uniqueName('boot'), key: 'k' } }).then(
        (value) => ({ value }),
        (error: unknown) => ({ error: String((error as { code?: string }).code ?? error) }),
      );
      // While `state` has not started, the worker port must refuse (the worker keeps retrying).
      const portOpen = await accepts(port);
      release.resolve();
      const engine = await booting;
      try {
        assert.equal(portOpen, false, 'the worker port accepted connections before the built-ins were registered');
        assert.deepEqual(await call, { value: undefined }); // a missing key: no value, and no function_not_found
      } finally {
        await engine.stop();
      }
    } finally {
      release.resolve();
      await worker?.shutdown();
    }
  });
});
