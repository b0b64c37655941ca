/**
 * `iii-worker-manager` (mandatory): the worker WebSocket listener(s). Several entries in config.yaml give
 * several independent listeners (the first one is the engine's main port, published as `worker`).
 */

import { internalCore } from '../../core/internal.ts';
import { WorkerListener } from '../../transport/listener.ts';
import type { EngineModule } from '../module.ts';
import { type WorkerManagerConfig, workerManagerConfig } from './config.ts';
import { sessionFactory } from './session-factory.ts';

export const workerManagerModule: EngineModule<WorkerManagerConfig> = {
  name: 'iii-worker-manager',
  displayName: 'Worker manager',
  description: 'WebSocket listeners for workers: /, /otel and /ws/channels/{id}',
  mandatory: true,
  configSchema: workerManagerConfig,
  create(ctx, config) {
    const core = internalCore(ctx.engine);
    const listener = new WorkerListener(
      core,
      {
        name: ctx.instanceName,
        host: config.host,
        port: config.port,
        handshakeTimeoutMs: config.handshake_timeout_ms,
        maxFrameBytes: config.max_frame_bytes,
        maxOutboundBytes: config.max_outbound_bytes,
        limits: { maxFunctions: config.max_functions_per_worker, maxTriggers: config.max_triggers_per_worker },
        sessionFor: sessionFactory(ctx, config),
      },
      ctx.log,
    );
    return {
      async start() {
        const url = await listener.listen();
        ctx.publishAddress('worker', url);
        ctx.publishAddress(ctx.instanceName, url);
        ctx.log.info(`listening for workers on ${url}`);
      },
      stop: () => listener.close(),
    };
  },
};
