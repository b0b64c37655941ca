/**
 * The one place where worker frames (`unknown`) become typed messages. Lenient where the SDK is sloppy
 * (stray `message_type`, missing `data`/`config`), strict where a wrong value would corrupt state.
 * Hand-written checks rather than the schema builder: this runs for every frame on the hot path.
 */
import type { ErrorBody } from './errors.ts';
import type { HttpInvocation, InvocationResultMsg, InvokeAction, InvokeFunctionMsg, WorkerToEngine } from './messages.ts';

export type Decoded = { ok: true; msg: WorkerToEngine } | { ok: false; error: ErrorBody; invocationId?: string };

type Obj = Record<string, unknown>;

const isObj = (v: unknown): v is Obj => typeof v === 'object' && v !== null && !Array.isArray(v);
const optStr = (v: unknown): v is string | undefined => v === undefined || typeof v === 'string';
const optObj = (v: unknown): v is Obj | undefined => v === undefined || v === null || isObj(v);
const nonEmpty = (v: unknown): v is string => typeof v === 'string' && v.length > 0;

const bad = (message: string, invocationId?: string): Decoded => ({
  ok: false,
  error: { code: 'E_PROTOCOL_BAD_MESSAGE', message },
  ...(invocationId ? { invocationId } : {}),
});

/** Decode one text frame. */
export function decodeFrame(text: string): Decoded | null {
  if (text.trim() === '') return null; // whitespace-only frames are ignored (reference behaviour)
  let raw: unknown;
  try {
    raw = JSON.parse(text);
  } catch (err) {
    return { ok: false, error: { code: 'E_PROTOCOL_BAD_JSON', message: `frame is not valid JSON: ${(err as Error).message}` } };
  }
  return decodeMessage(raw);
}

export function decodeMessage(raw: unknown): Decoded {
  if (!isObj(raw)) return bad('frame must be a JSON object');
  const type = raw.type;
  if (typeof type !== 'string') return bad('frame has no string "type"');
  const decoder = DECODERS[type];
  if (!decoder) return { ok: false, error: { code: 'E_PROTOCOL_UNKNOWN_TYPE', message: `unknown message type '${type.slice(0, 64)}'` } };
  return decoder(raw);
}

function decodeInvoke(m: Obj): Decoded {
  const invocationId = m.invocation_id;
  if (invocationId !== undefined && !nonEmpty(invocationId)) return bad('invokefunction.invocation_id must be a non-empty string');
  if (typeof invocationId === 'string' && invocationId.length > 128) return bad('invokefunction.invocation_id is too long');
  if (!nonEmpty(m.function_id)) return bad('invokefunction.function_id must be a non-empty string', invocationId);
  if (!optStr(m.traceparent) || !optStr(m.baggage)) return bad('invokefunction.traceparent/baggage must be strings', invocationId);
  let action: InvokeAction | undefined;
  if (m.action !== undefined && m.action !== null) {
    const a = m.action;
    if (isObj(a) && a.type === 'void') action = { type: 'void' };
    else if (isObj(a) && a.type === 'enqueue' && nonEmpty(a.queue)) action = { type: 'enqueue', queue: a.queue };
    else return bad('invokefunction.action must be {"type":"void"} or {"type":"enqueue","queue":"<name>"}', invocationId);
  }
  // Built by assignment, not spreads: this runs for every call on the hot path.
  const msg: InvokeFunctionMsg = { type: 'invokefunction', function_id: m.function_id };
  if (invocationId !== undefined) msg.invocation_id = invocationId;
  if ('data' in m) msg.data = m.data;
  if (m.traceparent !== undefined) msg.traceparent = m.traceparent;
  if (m.baggage !== undefined) msg.baggage = m.baggage;
  if (action) msg.action = action;
  if (m.metadata !== undefined) msg.metadata = m.metadata;
  return { ok: true, msg };
}

function decodeErrorBody(v: unknown): ErrorBody | undefined {
  if (v === undefined || v === null) return undefined;
  if (isObj(v) && typeof v.code === 'string' && typeof v.message === 'string') {
    return { code: v.code, message: v.message, ...(typeof v.stacktrace === 'string' ? { stacktrace: v.stacktrace } : {}) };
  }
  // Any other error value still fails the call; the SDK maps it to UNKNOWN.
  return { code: 'UNKNOWN', message: safeString(v) };
}

function safeString(v: unknown): string {
  try {
    return typeof v === 'string' ? v : JSON.stringify(v);
  } catch {
    return String(v);
  }
}

function decodeResult(m: Obj): Decoded {
  if (!nonEmpty(m.invocation_id)) return bad('invocationresult.invocation_id must be a non-empty string');
  const error = decodeErrorBody(m.error);
  const msg: InvocationResultMsg = { type: 'invocationresult', invocation_id: m.invocation_id };
  if (typeof m.function_id === 'string') msg.function_id = m.function_id;
  if (error) msg.error = error;
  else if (m.result !== undefined && m.result !== null) msg.result = m.result;
  return { ok: true, msg };
}

const HTTP_METHODS = new Set(['GET', 'POST', 'PUT', 'PATCH', 'DELETE']);

function decodeHttpInvocation(v: unknown): HttpInvocation | string {
  if (!isObj(v) || !nonEmpty(v.url)) return 'registerfunction.invocation.url must be a string';
  const method = v.method ?? 'POST';
  if (typeof method !== 'string' || !HTTP_METHODS.has(method))
    return 'registerfunction.invocation.method must be GET, POST, PUT, PATCH or DELETE';
  if (v.timeout_ms !== undefined && (typeof v.timeout_ms !== 'number' || v.timeout_ms <= 0))
    return 'registerfunction.invocation.timeout_ms must be a positive number';
  if (v.headers !== undefined && (!isObj(v.headers) || !Object.values(v.headers).every((h) => typeof h === 'string')))
    return 'registerfunction.invocation.headers must map names to strings';
  const auth = v.auth;
  let parsedAuth: HttpInvocation['auth'];
  if (auth !== undefined && auth !== null) {
    if (isObj(auth) && auth.type === 'hmac' && nonEmpty(auth.secret_key)) parsedAuth = { type: 'hmac', secret_key: auth.secret_key };
    else if (isObj(auth) && auth.type === 'bearer' && nonEmpty(auth.token_key)) parsedAuth = { type: 'bearer', token_key: auth.token_key };
    else if (isObj(auth) && auth.type === 'api_key' && nonEmpty(auth.header) && nonEmpty(auth.value_key))
      parsedAuth = { type: 'api_key', header: auth.header, value_key: auth.value_key };
    else return 'registerfunction.invocation.auth is not a known auth form (hmac, bearer, api_key)';
  }
  return {
    url: v.url,
    method: method as HttpInvocation['method'],
    ...(typeof v.timeout_ms === 'number' ? { timeout_ms: v.timeout_ms } : {}),
    ...(v.headers ? { headers: v.headers as Record<string, string> } : {}),
    ...(parsedAuth ? { auth: parsedAuth } : {}),
  };
}

function decodeRegisterFunction(m: Obj): Decoded {
  if (!nonEmpty(m.id)) return bad('registerfunction.id must be a non-empty string');
  if (m.id.length > 512) return bad('registerfunction.id is longer than 512 characters');
  if (!optStr(m.description)) return bad('registerfunction.description must be a string');
  if (!optObj(m.request_format) || !optObj(m.response_format) || !optObj(m.metadata))
    return bad('registerfunction request_format/response_format/metadata must be objects');
  let invocation: HttpInvocation | undefined;
  if (m.invocation !== undefined && m.invocation !== null) {
    const inv = decodeHttpInvocation(m.invocation);
    if (typeof inv === 'string') return bad(inv);
    invocation = inv;
  }
  return {
    ok: true,
    msg: {
      type: 'registerfunction',
      id: m.id,
      ...(m.description !== undefined ? { description: m.description } : {}),
      ...(isObj(m.request_format) ? { request_format: m.request_format } : {}),
      ...(isObj(m.response_format) ? { response_format: m.response_format } : {}),
      ...(isObj(m.metadata) ? { metadata: m.metadata } : {}),
      ...(invocation ? { invocation } : {}),
    },
  };
}

function decodeRegisterTrigger(m: Obj): Decoded {
  if (!nonEmpty(m.id)) return bad('registertrigger.id must be a non-empty string');
  if (!nonEmpty(m.trigger_type)) return bad('registertrigger.trigger_type must be a non-empty string');
  if (!nonEmpty(m.function_id)) return bad('registertrigger.function_id must be a non-empty string');
  return {
    ok: true,
    msg: {
      type: 'registertrigger',
      id: m.id,
      trigger_type: m.trigger_type,
      function_id: m.function_id,
      config: m.config ?? null,
      ...(m.metadata !== undefined ? { metadata: m.metadata } : {}),
    },
  };
}

function decodeTriggerResult(m: Obj): Decoded {
  if (!nonEmpty(m.id)) return bad('triggerregistrationresult.id must be a non-empty string');
  const error = decodeErrorBody(m.error);
  return {
    ok: true,
    msg: {
      type: 'triggerregistrationresult',
      id: m.id,
      trigger_type: typeof m.trigger_type === 'string' ? m.trigger_type : '',
      function_id: typeof m.function_id === 'string' ? m.function_id : '',
      ...(error ? { error } : {}),
    },
  };
}

const idOnly =
  <T extends 'unregisterfunction' | 'unregistertriggertype'>(type: T) =>
  (m: Obj): Decoded =>
    nonEmpty(m.id) ? { ok: true, msg: { type, id: m.id } as WorkerToEngine } : bad(`${type}.id must be a non-empty string`);

const DECODERS: Record<string, (m: Obj) => Decoded> = {
  invokefunction: decodeInvoke,
  invocationresult: decodeResult,
  registerfunction: decodeRegisterFunction,
  unregisterfunction: idOnly('unregisterfunction'),
  registertriggertype: (m) => {
    if (!nonEmpty(m.id)) return bad('registertriggertype.id must be a non-empty string');
    return {
      ok: true,
      msg: {
        type: 'registertriggertype',
        id: m.id,
        ...(typeof m.description === 'string' ? { description: m.description } : {}),
        ...(isObj(m.trigger_request_format) ? { trigger_request_format: m.trigger_request_format } : {}),
        ...(isObj(m.call_request_format) ? { call_request_format: m.call_request_format } : {}),
      },
    };
  },
  unregistertriggertype: idOnly('unregistertriggertype'),
  registertrigger: decodeRegisterTrigger,
  unregistertrigger: (m) =>
    nonEmpty(m.id)
      ? {
          ok: true,
          msg: { type: 'unregistertrigger', id: m.id, ...(typeof m.trigger_type === 'string' ? { trigger_type: m.trigger_type } : {}) },
        }
      : bad('unregistertrigger.id must be a non-empty string'),
  triggerregistrationresult: decodeTriggerResult,
  reattach: (m) =>
    nonEmpty(m.previous_worker_id)
      ? {
          ok: true,
          msg: {
            type: 'reattach',
            previous_worker_id: m.previous_worker_id,
            ...(typeof m.reattach_token === 'string' ? { reattach_token: m.reattach_token } : {}),
          },
        }
      : bad('reattach.previous_worker_id must be a non-empty string'),
  registerservice: (m) =>
    nonEmpty(m.id)
      ? {
          ok: true,
          msg: {
            type: 'registerservice',
            id: m.id,
            ...(typeof m.name === 'string' ? { name: m.name } : {}),
            ...(typeof m.description === 'string' ? { description: m.description } : {}),
            ...(typeof m.parent_service_id === 'string' ? { parent_service_id: m.parent_service_id } : {}),
          },
        }
      : bad('registerservice.id must be a non-empty string'),
  ping: () => ({ ok: true, msg: { type: 'ping' } }),
  pong: () => ({ ok: true, msg: { type: 'pong' } }),
  workerregistered: () => ({ ok: true, msg: { type: 'workerregistered' } }),
};

/** Telemetry frames start with one of these 4-byte ASCII prefixes (protocol.md §7.1). */
export const TELEMETRY_PREFIXES = ['OTLP', 'MTRC', 'LOGS'] as const;

export function isTelemetryFrame(buf: Buffer): boolean {
  if (buf.length < 4) return false;
  const p = buf.toString('latin1', 0, 4);
  return p === 'OTLP' || p === 'MTRC' || p === 'LOGS';
}
