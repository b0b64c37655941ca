/**
 * `iii-worker-manager` (mandatory): the worker WebSocket listener(s). Several entries in config.yaml give
 * several independent listeners (the first one is the engine's main port, published as `worker`). Each
 * may also listen on a Unix socket (`unix_socket`, published as `worker-unix`); the embedder can ask the
 * first one for a socket too (`ctx.workerHost.localSocket`: `iii` does, for the workers it starts).
 */
import { resolve } from 'node:path';
import { WorkerListener } from '../../transport/listener.ts';
import type { EngineModule } from '../module.ts';
import { type WorkerManagerConfig, workerManagerConfig } from './config.ts';
import { sessionFactory } from './session-factory.ts';
import { presentedSecret, resolveSecret, secretMatches } from './trusted-secret.ts';

declare module '../module.ts' {
  interface Services {
    /** The main listener's engine secret, for the CLI to hand to the workers it supervises. */
    'worker-secret': { readonly secret: string | undefined };
  }
}

export const workerManagerModule: EngineModule<WorkerManagerConfig> = {
  name: 'iii-worker-manager',
  displayName: 'Worker manager',
  description: 'WebSocket listeners for workers: /, /otel and /ws/channels/{id}',
  mandatory: true,
  startsLast: true,
  configSchema: workerManagerConfig,
  create(ctx, config) {
    const secret = resolveSecret(config, process.env);
    const session = sessionFactory(ctx, config);
    const unixSocket = socketPath(ctx.instanceName, config, ctx.workerHost.localSocket);
    const listener = new WorkerListener(
      ctx.workerHost,
      {
        name: ctx.instanceName,
        host: config.host,
        port: config.port,
        ...(unixSocket !== undefined ? { unixSocket: resolve(ctx.projectDir, unixSocket) } : {}),
        handshakeTimeoutMs: config.handshake_timeout_ms,
        maxFrameBytes: config.max_frame_bytes,
        maxOutboundBytes: config.max_outbound_bytes,
        limits: { maxFunctions: config.max_functions_per_worker, maxTriggers: config.max_triggers_per_worker },
        sessionFor:
          secret === undefined
            ? session
            : (req) => {
                const presented = presentedSecret(req);
                if (!secretMatches(secret, presented))
                  throw new Error(presented === undefined ? 'this listener requires the engine secret' : 'wrong engine secret');
                return session(req);
              },
      },
      ctx.log,
    );
    const unprovide = ctx.instanceName === 'iii-worker-manager' ? ctx.engine.services.provide('worker-secret', { secret }) : (): void => {};
    return {
      async start() {
        const url = await listener.listen();
        ctx.publishAddress('worker', url);
        ctx.publishAddress(ctx.instanceName, url);
        const unixUrl = listener.unixUrl;
        if (unixUrl !== undefined) {
          ctx.publishAddress('worker-unix', unixUrl);
          ctx.publishAddress(`${ctx.instanceName}-unix`, unixUrl);
          ctx.log.info(`listening for workers on ${unixUrl}`);
        }
        // The URL is where a local client connects; say so when the socket is bound to every interface.
        const notes = [
          config.host === '0.0.0.0' || config.host === '::' ? `bound to ${config.host}` : '',
          secret === undefined ? '' : 'secret required',
        ];
        const note = notes.filter(Boolean).join(', ');
        ctx.log.info(`listening for workers on ${url}${note ? ` (${note})` : ''}`);
      },
      stop() {
        unprovide();
        return listener.close();
      },
    };
  },
};

/**
 * The Unix socket this listener also opens: its own `unix_socket`, else the one the embedder asks of the
 * first listener when that is the trusted one (an RBAC listener is for browsers and other outsiders).
 */
function socketPath(instanceName: string, config: WorkerManagerConfig, requested: string | undefined): string | undefined {
  if (config.unix_socket !== undefined) return config.unix_socket;
  return instanceName === 'iii-worker-manager' && config.rbac === undefined ? requested : undefined;
}
