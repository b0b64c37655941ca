/**
 * Trigger type `http` (workers.md §1.2, protocol.md §4.2.1): validates a binding and adds its route.
 * A thrown error rejects the trigger with `trigger_registration_failed` and that message, while a
 * route already serving stays untouched.
 */
import { z } from 'zod';
import { check, formatIssues, toJsonSchema } from '../../core/config/schema.ts';
import { EngineError } from '../../core/errors/index.ts';
import type { Logger } from '../../util/logger.ts';
import type { TriggerInstance, TriggerTypeDef } from '../module.ts';
import type { RouteTarget } from './request.ts';
import { normalizePath, type Router } from './router.ts';

export const HTTP_METHODS = ['GET', 'POST', 'PUT', 'DELETE', 'PATCH', 'HEAD', 'OPTIONS'] as const;

export const httpTriggerConfigSchema = z.looseObject({
  api_path: z.string().describe('Route, e.g. /links or /s/:code; :name segments are path params'),
  http_method: z
    .string()
    .default('GET')
    .describe(`One of ${HTTP_METHODS.join(', ')} (case-insensitive)`),
  condition_function_id: z.string().min(1).optional().describe('Gate: exactly false → 422'),
  middleware_function_ids: z.array(z.string().min(1)).default([]).describe('Per-route middleware, run in order'),
});

const requestSchema = {
  type: 'object',
  properties: {
    query_params: { type: 'object' },
    path_params: { type: 'object' },
    headers: { type: 'object' },
    path: { type: 'string' },
    method: { type: 'string' },
    body: {},
    raw_body: { type: 'string' },
    raw_body_encoding: { type: 'string', enum: ['utf8', 'base64'] },
    trigger: { type: 'object' },
  },
};

const responseSchema = {
  type: 'object',
  properties: { status_code: { type: 'integer' }, headers: { anyOf: [{ type: 'object' }, { type: 'array' }] }, body: {} },
};

function targetOf(trigger: TriggerInstance): RouteTarget {
  const raw = trigger.config;
  if (typeof raw !== 'object' || raw === null || (raw as { api_path?: unknown }).api_path === undefined) {
    throw new EngineError('trigger_registration_failed', 'api_path is required for http triggers');
  }
  const r = check(httpTriggerConfigSchema, raw);
  if (!r.ok)
    throw new EngineError('trigger_registration_failed', `invalid http trigger config: ${formatIssues(r.issues).replace(/\n/g, '; ')}`);
  const method = r.value.http_method.toUpperCase();
  if (!(HTTP_METHODS as readonly string[]).includes(method)) {
    throw new EngineError(
      'trigger_registration_failed',
      `http_method ${JSON.stringify(r.value.http_method)} is not one of ${HTTP_METHODS.join(', ')}`,
    );
  }
  return {
    triggerId: trigger.id,
    functionId: trigger.function_id,
    path: normalizePath(r.value.api_path),
    method,
    ...(r.value.condition_function_id ? { conditionFunctionId: r.value.condition_function_id } : {}),
    middlewareFunctionIds: r.value.middleware_function_ids,
    ...(trigger.metadata !== undefined ? { metadata: trigger.metadata } : {}),
  };
}

export function createHttpTriggerType(router: Router<RouteTarget>, log: Logger): TriggerTypeDef {
  // Which route each trigger id holds, so re-registering an id with a new path moves it.
  const held = new Map<string, { method: string; path: string }>();
  return {
    id: 'http',
    description: 'Serve a function as an HTTP endpoint',
    configuration_schema: toJsonSchema(httpTriggerConfigSchema),
    request_schema: requestSchema,
    response_schema: responseSchema,
    register(trigger) {
      const target = targetOf(trigger);
      // Router.add throws on a conflict and then changes nothing, so the first route keeps serving.
      router.add(target.method, target.path, trigger.id, target);
      const prev = held.get(trigger.id);
      if (prev && (prev.method !== target.method || prev.path !== target.path)) router.remove(prev.method, prev.path, trigger.id);
      held.set(trigger.id, { method: target.method, path: target.path });
      log.debug('http route added', { method: target.method, path: target.path, function_id: target.functionId });
    },
    unregister(trigger) {
      const prev = held.get(trigger.id);
      if (!prev) return;
      held.delete(trigger.id);
      if (router.remove(prev.method, prev.path, trigger.id)) log.debug('http route removed', prev);
    },
  };
}
