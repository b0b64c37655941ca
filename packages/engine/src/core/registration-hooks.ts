/**
 * RBAC registration hooks (protocol.md §9.6): a configured function may approve, rewrite or deny each
 * registration of a session. Only a JSON object approves (`{}` = unchanged); anything else denies,
 * silently, as in the reference. Hooks run inline: the socket's next frame waits for the answer.
 */
import type { RegisterTriggerMsg } from '../protocol/messages.ts';
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

/**
 * `on_trigger_registration`: input `{trigger_id, trigger_type, function_id, config, metadata, context}`;
 * the answer may rewrite `trigger_id`, `trigger_type`, `function_id` and `config`. Undefined = denied.
 */
export async function hookTrigger(
  core: EngineCore,
  hookId: string,
  msg: RegisterTriggerMsg,
  context: Record<string, unknown>,
): Promise<RegisterTriggerMsg | undefined> {
  const r = await runHook(core, hookId, {
    trigger_id: msg.id,
    trigger_type: msg.trigger_type,
    function_id: msg.function_id,
    config: msg.config ?? null,
    metadata: msg.metadata ?? null,
    context,
  });
  if (!r) return undefined;
  return {
    ...msg,
    id: str(r.trigger_id, msg.id),
    trigger_type: str(r.trigger_type, msg.trigger_type),
    function_id: str(r.function_id, msg.function_id),
    ...('config' in r ? { config: r.config } : {}),
  };
}
