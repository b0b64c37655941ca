/**
 * RBAC registration hooks (protocol.md §9.6): a configured function may approve, rewrite or deny each
 * registration of a session. Only a JSON object approves (`{}` = unchanged); anything else denies,
 * silently, as in the reference. Hooks run inline: the socket's next frame waits for the answer.
 */
import type { EngineCore } from './engine-core.ts';

export async function runHook(
  core: EngineCore,
  hookId: string,
  input: Record<string, unknown>,
): Promise<Record<string, unknown> | undefined> {
  try {
    const r = await core.router.invoke(hookId, input);
    if (typeof r === 'object' && r !== null && !Array.isArray(r)) return r as Record<string, unknown>;
    core.log.warn('registration denied by hook (no object returned)', { hook: hookId });
  } catch (err) {
    core.log.warn('registration denied by hook', { hook: hookId, error: err instanceof Error ? err.message : String(err) });
  }
  return undefined;
}

export const str = (v: unknown, fallback: string): string => (typeof v === 'string' && v !== '' ? v : fallback);
