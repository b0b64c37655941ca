/**
 * Every failure of a forwarded call or `bridge.invoke` reaches the caller as `bridge_error` (reference
 * code), but unlike the reference it keeps what went wrong: the wire body carries `origin`
 * (`remote`: the remote function failed; `link`: the bridge did) and `remote_code` or `link_code`.
 * The code is in the message too, because iii-sdk callers only see `code` and `message`.
 */
import { EngineError } from '../../core/errors/index.ts';

export function bridgeError(functionId: string, err: unknown): EngineError {
  const e = err instanceof EngineError ? err : new EngineError('E_INTERNAL', String(err));
  const remote = e.details?.origin === 'remote';
  const wire: Record<string, string> = remote ? { origin: 'remote', remote_code: e.code } : { origin: 'link', link_code: e.code };
  const message = remote ? `${functionId} failed on the backend with ${e.code}: ${e.message}` : `${e.code}: ${e.message}`;
  return new EngineError('bridge_error', message, { cause: err, wire, details: { ...e.details, ...wire } });
}
