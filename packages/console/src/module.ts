/**
 * `consoleModule`: the console as an engine module (config.yaml `- name: console`), calling engine
 * functions in-process. Kept apart from index.ts so that loading it (the `iii` serve command does)
 * does not load the iii-sdk, which only the standalone console needs.
 */
import { defineFunction, type EngineModule, noInput, z } from '@triad/engine';
import { type ConsoleServer, startConsoleServer } from './server.ts';

const consoleConfig = z.strictObject({
  host: z.string().default('127.0.0.1'),
  port: z.int().min(0).max(65535).default(3113),
  /** Required beyond 127.0.0.1 (else $III_CONSOLE_TOKEN); every request must then carry it. */
  token: z.string().min(1).optional(),
});
type ConsoleConfig = { host: string; port: number; token?: string };

export const consoleModule: EngineModule<ConsoleConfig> = {
  name: 'console',
  displayName: 'Console',
  description: 'Web console on port 3113: workers, functions, triggers, traces and logs',
  configSchema: consoleConfig,
  async create(ctx, config) {
    let server: ConsoleServer | undefined;
    let disposeStatus: (() => void) | undefined;
    return {
      async start() {
        server = await startConsoleServer({
          ...config,
          call: (fn, payload) => ctx.engine.invoke(fn, payload),
          version: ctx.engine.version,
          engineUrl: null,
        });
        ctx.publishAddress('console', server.url);
        const status = { http_port: Number(new URL(server.url).port), engine_url: null, version: ctx.engine.version };
        disposeStatus = ctx.engine.registerFunction(
          defineFunction({ id: 'console::status', description: 'Where the console listens', input: noInput, handler: () => status }),
        );
        ctx.log.info(`console listening on ${server.url}`);
      },
      async stop() {
        disposeStatus?.();
        await server?.close();
        server = undefined;
      },
    };
  },
};
