/**
 * What a connection is allowed to do (protocol.md §9). Listeners without `rbac` give every socket the
 * permissive session; RBAC listeners build one from the auth function's answer.
 */
export interface Session {
  /** Called before every `invokefunction`; returns an error message to deny. */
  checkInvoke(functionId: string): { allowed: true } | { allowed: false; message: string };
  allowFunctionRegistration: boolean;
  allowTriggerTypeRegistration: boolean;
  /** undefined = every trigger type allowed. */
  allowedTriggerTypes?: ReadonlySet<string>;
  /** Stored function ids become `<prefix>::<id>`. */
  functionPrefix?: string;
  context: Record<string, unknown>;
  /** Listener-level middleware that replaces target calls (protocol.md §9.5). */
  middlewareFunctionId?: string;
  hooks: {
    onFunctionRegistration?: string;
    onTriggerRegistration?: string;
    onTriggerTypeRegistration?: string;
  };
}

export const PERMISSIVE_SESSION: Session = Object.freeze({
  checkInvoke: () => ({ allowed: true as const }),
  allowFunctionRegistration: true,
  allowTriggerTypeRegistration: true,
  context: {},
  hooks: {},
});
