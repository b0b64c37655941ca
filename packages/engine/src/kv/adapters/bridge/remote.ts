/** Calls to the backend for the bridge kv stores: link failures carry their code in the message too. */
import type { BridgeLink } from '../../../bridge-link/index.ts';
import { EngineError } from '../../../core/errors/index.ts';

/**
 * The state/stream functions wrap adapter failures into their own code (`SET_ERROR`, ...) with the
 * message kept, so a link failure says which one it was (`E_BRIDGE_OFFLINE: ...`). A remote error
 * keeps its code and message (`VALUE_TOO_LARGE` passes through `state::set` as is).
 */
export async function remote(link: BridgeLink, functionId: string, data: unknown): Promise<unknown> {
  try {
    return await link.call(functionId, data);
  } catch (err) {
    if (err instanceof EngineError && err.details?.origin === 'link')
      throw new EngineError(err.code, `${err.code}: ${err.message}`, { cause: err, details: err.details });
    throw err;
  }
}

/** The backend answers null (or nothing) for an absent value; the kv contract says `undefined`. */
export function absent(v: unknown): unknown {
  return v === null ? undefined : v;
}

export function unsupported(what: string): never {
  throw new EngineError('E_KV_UNSUPPORTED', `${what} is not available through a bridge (the backend has no such function)`);
}

export function record(v: unknown): Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v) ? (v as Record<string, unknown>) : {};
}
