/**
 * Builds the session of each new socket (protocol.md §9.2–§9.4). Without `rbac` every socket gets the
 * permissive session. With `rbac.auth_function_id`, the auth function decides (throw = refuse).
 */

import type { IncomingMessage } from 'node:http';
import { z } from 'zod';
import { check } from '../../core/config/schema.ts';
import { PERMISSIVE_SESSION, type Session } from '../../core/session.ts';
import type { ModuleContext } from '../module.ts';
import type { WorkerManagerConfig } from './config.ts';
import { compileFilters } from './filters.ts';

const INFRASTRUCTURE = new Set([
  'engine::channels::create',
  'engine::workers::register',
  'engine::log::info',
  'engine::log::warn',
  'engine::log::error',
  'engine::log::debug',
  'engine::log::trace',
  'engine::baggage::get',
  'engine::baggage::set',
  'engine::baggage::get_all',
]);

const authResult = z.looseObject({
  allowed_functions: z.array(z.string()).default([]),
  forbidden_functions: z.array(z.string()).default([]),
  allowed_trigger_types: z.array(z.string()).optional(),
  allow_trigger_type_registration: z.boolean().default(false),
  allow_function_registration: z.boolean().default(true),
  context: z.record(z.string(), z.unknown()).default({}),
  function_registration_prefix: z.string().optional(),
});

export function sessionFactory(ctx: ModuleContext, config: WorkerManagerConfig): (req: IncomingMessage) => Promise<Session> | Session {
  const rbac = config.rbac;
  if (!rbac)
    return () =>
      config.middleware_function_id ? { ...PERMISSIVE_SESSION, middlewareFunctionId: config.middleware_function_id } : PERMISSIVE_SESSION;
  const exposed = compileFilters(rbac.expose_functions, (id) => ctx.engine.getFunction(id)?.metadata);
  const hooks = {
    ...(rbac.on_function_registration_function_id ? { onFunctionRegistration: rbac.on_function_registration_function_id } : {}),
    ...(rbac.on_trigger_registration_function_id ? { onTriggerRegistration: rbac.on_trigger_registration_function_id } : {}),
    ...(rbac.on_trigger_type_registration_function_id ? { onTriggerTypeRegistration: rbac.on_trigger_type_registration_function_id } : {}),
  };
  return async (req) => {
    let result = {
      allowed_functions: [] as string[],
      forbidden_functions: [] as string[],
      allowed_trigger_types: undefined as string[] | undefined,
      allow_trigger_type_registration: true,
      allow_function_registration: true,
      context: {} as Record<string, unknown>,
      function_registration_prefix: undefined as string | undefined,
    };
    if (rbac.auth_function_id) {
      const raw = await ctx.engine.invoke(rbac.auth_function_id, authInput(req));
      if (raw === undefined || raw === null) throw new Error('auth function returned nothing');
      const parsed = check(authResult, raw);
      if (!parsed.ok)
        throw new Error(`auth function returned an invalid result: ${parsed.issues.map((i) => `${i.path} ${i.message}`).join('; ')}`);
      result = {
        ...parsed.value,
        allowed_trigger_types: parsed.value.allowed_trigger_types,
        function_registration_prefix: parsed.value.function_registration_prefix,
      };
    }
    const allowed = new Set(result.allowed_functions);
    const forbidden = new Set(result.forbidden_functions);
    return {
      checkInvoke(functionId) {
        if (forbidden.has(functionId))
          return { allowed: false, message: `function '${functionId}' not allowed (remove from rbac.forbidden_functions)` };
        if (allowed.has(functionId) || INFRASTRUCTURE.has(functionId) || exposed(functionId)) return { allowed: true };
        return { allowed: false, message: `function '${functionId}' not allowed (add to rbac.expose_functions)` };
      },
      allowFunctionRegistration: result.allow_function_registration,
      allowTriggerTypeRegistration: result.allow_trigger_type_registration,
      ...(result.allowed_trigger_types ? { allowedTriggerTypes: new Set(result.allowed_trigger_types) } : {}),
      ...(result.function_registration_prefix ? { functionPrefix: result.function_registration_prefix } : {}),
      context: result.context,
      ...(config.middleware_function_id ? { middlewareFunctionId: config.middleware_function_id } : {}),
      hooks,
    };
  };
}

function authInput(req: IncomingMessage): Record<string, unknown> {
  const headers: Record<string, string> = {};
  for (const [k, v] of Object.entries(req.headers))
    if (v !== undefined) headers[k.toLowerCase()] = Array.isArray(v) ? (v[v.length - 1] ?? '') : v;
  const url = new URL(req.url ?? '/', 'http://x');
  const query: Record<string, string[]> = {};
  for (const [k, v] of url.searchParams) {
    query[k] = [...(query[k] ?? []), v];
  }
  const ip = req.socket.remoteAddress ?? '';
  return { headers, query_params: query, ip_address: ip.startsWith('::ffff:') ? ip.slice(7) : ip };
}
