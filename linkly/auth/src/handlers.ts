/**
 * `auth::browser` (Linkly chapter 7): the RBAC listener on 3110 calls it once per browser socket with
 * `{headers, query_params, ip_address}`. A wrong or missing `?token=` throws, which refuses the socket
 * (AUTH_ERROR); a good one gets a session that may register functions (the confirm prompt) and call what
 * the listener's `expose_functions` lists.
 */
import { createHash, timingSafeEqual } from 'node:crypto';

export interface AuthInput {
  headers?: Record<string, string>;
  query_params?: Record<string, string[]>;
  ip_address?: string;
}

export interface AuthResult {
  allowed_functions: string[];
  forbidden_functions: string[];
  allow_trigger_type_registration: boolean;
  allow_function_registration: boolean;
  context: Record<string, unknown>;
}

/** Constant-time comparison (both sides hashed first, so lengths do not leak either). */
function sameToken(a: string, b: string): boolean {
  const h = (s: string) => createHash('sha256').update(s).digest();
  return timingSafeEqual(h(a), h(b));
}

export function createAuth(expectedToken: string) {
  return {
    browser(input: AuthInput): AuthResult {
      const token = input?.query_params?.token?.[0];
      if (typeof token !== 'string' || !sameToken(token, expectedToken)) throw new Error('invalid or missing token');
      return {
        allowed_functions: [],
        forbidden_functions: [],
        allow_trigger_type_registration: false,
        allow_function_registration: true,
        context: { role: 'browser', ip_address: input.ip_address ?? null },
      };
    },
  };
}
