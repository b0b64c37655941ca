/**
 * `iii-bridge` (workers.md §14): joins this engine to another (the backend) as one of its workers.
 * `forward` runs backend functions under local ids, `expose` serves local functions on the backend,
 * `bridge.invoke` / `bridge.invoke_async` call any backend function. See README.md in this folder.
 */
import { checkBridgeUrl, openLink } from '../../bridge-link/index.ts';
import type { EngineModule } from '../module.ts';
import { type BridgeConfig, bridgeConfigSchema } from './config.ts';
import { bridgeFunctions } from './functions.ts';
import { exposeRoutes, forwardRoutes } from './routes.ts';

export const bridgeModule: EngineModule<BridgeConfig> = {
  name: 'iii-bridge',
  displayName: 'Bridge',
  description: 'Engine-to-engine bridge: expose and forward functions, bridge.invoke',
  configSchema: bridgeConfigSchema,
  create(ctx, config) {
    const url = checkBridgeUrl(config.url ?? process.env.III_URL, 'iii-bridge: url (or env III_URL)');
    const link = openLink(ctx, {
      url,
      name: config.service_name ?? 'iii-bridge',
      secret: config.secret,
      timeoutMs: config.timeout_ms,
      offlineWaitMs: config.offline_wait_ms,
    });
    for (const f of bridgeFunctions(link)) ctx.engine.registerFunction(f);
    forwardRoutes(ctx.engine, link, config.forward);
    exposeRoutes(ctx.engine, link, config.expose);
    return { stop: () => link.close() };
  },
};
