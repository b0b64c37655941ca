/**
 * The bridge link library, shared by the `bridge` adapters (state, iii-stream, configuration) and the
 * `iii-bridge` worker. A library, like `kv`: modules may import it; it imports no module.
 *
 * @example
 * const link = openLink(ctx, { url: cfg.bridge_url, name: 'state-bridge' });
 * await link.call('state::get', { scope, key });
 */
import { EngineError } from '../core/errors/index.ts';
import type { ModuleContext } from '../modules/module.ts';
import { BridgeLink, type BridgeLinkOptions } from './link.ts';

export { isRemoteError, type LinkErrorCode, linkError } from './errors.ts';
export type { ExposedHandler } from './exposed.ts';
export { BridgeLink, type BridgeLinkOptions, type LinkState } from './link.ts';

/** The backend listener's secret when the config sets none: the same variable the listener reads (docs/security.md). */
export const SECRET_ENV = 'III_ENGINE_SECRET';

/**
 * The backend URL, checked: required (the reference defaults to this engine's own port, which makes an
 * unconfigured bridge call itself), and ws:// or wss://.
 */
export function checkBridgeUrl(url: string | undefined, where: string): string {
  if (!url)
    throw new EngineError('E_CONFIG_INVALID', `${where} is required: the worker address of the backend engine, e.g. ws://10.0.0.2:49134`);
  if (!/^wss?:\/\/[^/]/.test(url)) throw new EngineError('E_CONFIG_INVALID', `${where} must be a ws:// or wss:// URL, got '${url}'`);
  return url;
}

export interface OpenLinkOptions extends Omit<BridgeLinkOptions, 'log' | 'isSelf' | 'workerName' | 'secret'> {
  /** Shown on the backend as `<name>@<this engine's host:pid>`. */
  name: string;
  secret?: string | undefined;
}

/** A started link that refuses to talk to its own engine. */
export function openLink(ctx: ModuleContext, opts: OpenLinkOptions): BridgeLink {
  const introspection = ctx.engine.services.get('introspection');
  const link = new BridgeLink({
    ...opts,
    workerName: `${opts.name}@${process.pid}`,
    secret: opts.secret ?? process.env[SECRET_ENV],
    log: ctx.log,
    isSelf: (workerId) => introspection?.workers().some((w) => w.id === workerId) ?? false,
  });
  link.start();
  return link;
}
