/**
 * `consoleModule`: the console as an engine module (config.yaml `- name: console`), calling engine
 * functions in-process. Kept apart from index.ts so that loading it (the `iii` serve command does)
 * does not load the iii-sdk, which only the standalone console needs.
 */
import { randomUUID } from 'node:crypto';
import { defineFunction, type EngineApi, type EngineModule, type Logger, noInput, z } from '@triad/engine';
import type { EngineLink, Unsubscribe } from './link.ts';
import { type ConsoleServer, startConsoleServer } from './server.ts';

const consoleConfig = z.strictObject({
  host: z.string().default('127.0.0.1'),
  port: z.int().min(0).max(65535).default(3113),
  /** Required beyond 127.0.0.1 (else $III_CONSOLE_TOKEN); every request must then carry it. */
  token: z.string().min(1).optional(),
});
type ConsoleConfig = { host: string; port: number; token?: string };

const registered = z.looseObject({ id: z.string() });

/**
 * Live views bind a trigger to a function of the console's: `engine::console::events::<uuid>`, under
 * `engine::` like the reference console's own functions so default listings do not show them.
 */
function inProcessLink(engine: EngineApi, log: Logger): EngineLink {
  return {
    traces: true,
    call: (fn, payload, opts) => engine.invoke(fn, payload, opts?.traceparent ? { traceparent: opts.traceparent } : {}),
    info: (message, fields) => log.info(message, fields),
    async subscribe(triggerType, config, handler): Promise<Unsubscribe> {
      const functionId = `engine::console::events::${randomUUID()}`;
      const dispose = engine.registerFunction(
        defineFunction({ id: functionId, input: z.unknown(), handler: (payload) => void handler(payload) }),
      );
      try {
        const r = registered.parse(
          await engine.invoke('engine::register_trigger', { trigger_type: triggerType, function_id: functionId, config }),
        );
        return async () => {
          await engine.invoke('engine::unregister_trigger', { id: r.id }).finally(dispose);
        };
      } catch (err) {
        dispose();
        throw err;
      }
    },
  };
}

export const consoleModule: EngineModule<ConsoleConfig> = {
  name: 'console',
  displayName: 'Console',
  description: 'Web console on port 3113: dashboard, functions, triggers, state, streams, queues, configuration, traces and logs',
  configSchema: consoleConfig,
  async create(ctx, config) {
    let server: ConsoleServer | undefined;
    let disposeStatus: (() => void) | undefined;
    return {
      async start() {
        server = await startConsoleServer({
          ...config,
          link: inProcessLink(ctx.engine, ctx.log),
          version: ctx.engine.version,
          engineUrl: null,
        });
        ctx.publishAddress('console', server.url);
        const status = { http_port: Number(new URL(server.url).port), engine_url: null, version: ctx.engine.version };
        disposeStatus = ctx.engine.registerFunction(
          defineFunction({ id: 'console::status', description: 'Where the console listens', input: noInput, handler: () => status }),
        );
      },
      async stop() {
        disposeStatus?.();
        await server?.close();
        server = undefined;
      },
    };
  },
};
