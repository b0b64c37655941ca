/**
 * Two kinds of failure come out of a bridge call, and callers must tell them apart:
 * - the remote function failed: an `EngineError` with the remote code as is (`VALUE_TOO_LARGE`, ...),
 *   `details.origin = 'remote'`;
 * - the link failed (`E_BRIDGE_*`): timeout, offline, disconnected mid-call, closed; `details.origin = 'link'`.
 */
import { EngineError } from '../core/errors/index.ts';

export type LinkErrorCode = 'E_BRIDGE_TIMEOUT' | 'E_BRIDGE_OFFLINE' | 'E_BRIDGE_DISCONNECTED' | 'E_BRIDGE_CLOSED' | 'E_BRIDGE_SELF';

export function linkError(code: LinkErrorCode, message: string): EngineError {
  return new EngineError(code, message, { details: { origin: 'link' } });
}

/** True when the remote function itself answered with this error (as opposed to the link failing). */
export function isRemoteError(err: unknown): err is EngineError {
  return err instanceof EngineError && err.details?.origin === 'remote';
}
