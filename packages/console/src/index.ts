/**
 * `iii console`: a web UI (default 127.0.0.1:3113) that shows and operates a running engine.
 *
 * Two ways to run it:
 * - `consoleModule`: an engine module (config.yaml `- name: console`), calling engine functions in-process;
 * - `startConsole({ engineUrl })`: standalone, connected to an engine as the iii-sdk worker `iii-console`
 *   (what `iii console` runs), calling engine functions over the worker protocol.
 */
import { randomUUID } from 'node:crypto';
import { createLogger } from '@triad/engine';
import type { EngineLink, Unsubscribe } from './link.ts';
import { type ConsoleServer, startConsoleServer } from './server.ts';

export { consoleModule } from './module.ts';
export type { ConsoleServer } from './server.ts';

export interface StandaloneConsoleOptions {
  /** Worker socket of the engine, e.g. `ws://127.0.0.1:49134`. */
  engineUrl: string;
  /** @default '127.0.0.1' */
  host?: string;
  /** @default 3113 */
  port?: number;
  /** Console access token (else $III_CONSOLE_TOKEN); required when `host` is not loopback. */
  token?: string;
  /** Per-call timeout. @default 30000 */
  timeoutMs?: number;
  /** Sent on the WebSocket upgrade, e.g. `authorization: Bearer <engine secret>`. */
  headers?: Record<string, string>;
}

export interface StandaloneConsole extends ConsoleServer {
  shutdown(): Promise<void>;
}

/** Start the console as a separate worker process would: over the worker protocol. */
export async function startConsole(opts: StandaloneConsoleOptions): Promise<StandaloneConsole> {
  // Loaded here, not at the top: `iii serve` imports this package for consoleModule only.
  const { registerWorker } = await import('iii-sdk');
  const worker = registerWorker(opts.engineUrl, {
    workerName: 'iii-console',
    otel: { enabled: false },
    enableMetricsReporting: false,
    ...(opts.headers ? { headers: opts.headers } : {}),
  });
  const version = '0.22.1';
  const timeoutMs = opts.timeoutMs ?? 30_000;
  const log = createLogger('console');
  const link: EngineLink = {
    // The SDK's trigger() carries no caller-chosen traceparent, so Invoke cannot name the trace it makes.
    traces: false,
    call: (fn, payload) => worker.trigger({ function_id: fn, payload, timeoutMs }),
    info: (message, fields) => log.info(message, fields),
    async subscribe(triggerType, config, handler): Promise<Unsubscribe> {
      const functionId = `engine::console::events::${randomUUID()}`;
      const fn = worker.registerFunction(functionId, async (payload: unknown) => {
        handler(payload);
        return null;
      });
      const trigger = worker.registerTrigger({ type: triggerType, function_id: functionId, config });
      // registerTrigger only queues the frame; a call answered after it means the engine has read it.
      await worker.trigger({ function_id: 'engine::health::check', payload: {}, timeoutMs });
      return async () => {
        trigger.unregister();
        fn.unregister();
      };
    },
  };
  let server: ConsoleServer | undefined;
  try {
    server = await startConsoleServer({
      host: opts.host ?? '127.0.0.1',
      port: opts.port ?? 3113,
      ...(opts.token ? { token: opts.token } : {}),
      link,
      version,
      engineUrl: opts.engineUrl,
    });
  } catch (err) {
    await worker.shutdown();
    throw err;
  }
  const http = server;
  const httpPort = Number(new URL(http.url).port);
  worker.registerFunction('console::status', async () => ({ http_port: httpPort, engine_url: opts.engineUrl, version }));
  const shutdown = async (): Promise<void> => {
    await http.close();
    await worker.shutdown();
  };
  return { url: http.url, close: shutdown, shutdown };
}
