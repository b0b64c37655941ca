/**
 * The one catalogue of error codes the engine produces.
 *
 * Two families live here:
 * - wire codes, spelled exactly as the reference engine and the iii-sdk spell them
 *   (`function_not_found`, `invocation_stopped`, `FORBIDDEN`, ...): the SDK and user code match on them;
 * - Triad's own codes, `E_<AREA>_<WHAT>`, for everything the reference leaves unspecified
 *   (config problems, bad frames, oversized payloads, ...).
 *
 * `docs/errors.md` lists every code; a test keeps the two in step.
 */
export const ErrorCodes = {
  // ---- wire codes (reference-compatible) ----
  function_not_found: 'target function id is not registered',
  function_not_invokable: 'the function is HTTP-invoked and cannot run locally (SDK)',
  invocation_failed: 'the handler threw (SDK)',
  invocation_stopped: 'the executing or calling worker disconnected mid-invocation',
  invocation_error: 'internal waiter dropped',
  channel_send_failed: 'the frame could not be queued to the target worker',
  FORBIDDEN: 'RBAC denied the call',
  enqueue_error: 'the queue provider failed or is missing',
  trigger_registration_failed: 'a trigger was rejected by its trigger type',
  trigger_type_not_found: 'the worker does not own that trigger type (SDK)',
  deserialization_error: 'a built-in function received input of the wrong shape',
  serialization_error: 'a result could not be serialised',
  AUTH_ERROR: 'session authentication failed',
  NOT_FOUND: 'introspection target not found',
  INVALID_ARGUMENTS: 'introspection arguments invalid',
  topic_not_set: 'publish without a topic',
  url_validation_failed: 'HTTP-invoked function URL refused by the allow-list',
  http_error: 'HTTP-invoked function answered with an error status',
  http_request_failed: 'HTTP-invoked function could not be reached',
  invalid_response: 'HTTP-invoked function answered 2xx with a non-JSON body',
  secret_not_found: 'HMAC secret env var missing',
  token_not_found: 'bearer token env var missing',
  api_key_not_found: 'API key env var missing',
  unregister_failed: 'a trigger type failed to unregister a trigger',
  memory_exporter_not_enabled: 'traces are not kept in memory',
  CONDITION_NOT_MET: 'HTTP 422: the trigger condition function returned false',
  MIDDLEWARE_TIMEOUT: 'HTTP 504: a middleware function exceeded default_timeout',
  INTERNAL_ERROR: 'HTTP 500: the http worker failed internally',
  // ---- Triad codes ----
  E_PROTOCOL_BAD_JSON: 'a frame was not valid JSON',
  E_PROTOCOL_UNKNOWN_TYPE: 'a frame had an unknown "type"',
  E_PROTOCOL_BAD_MESSAGE: 'a frame was missing fields or had fields of the wrong type',
  E_PROTOCOL_FRAME_TOO_LARGE: 'a frame exceeded the configured max_frame_bytes',
  E_PROTOCOL_RATE_LIMITED: 'a socket sent registrations faster than allowed',
  E_CONFIG_INVALID: 'configuration failed validation',
  E_CONFIG_UNKNOWN_WORKER: 'config.yaml names a worker the engine does not know',
  E_CONFIG_ENV_MISSING: 'a ${VAR} placeholder has no value and no default',
  E_CONFIG_PARSE: 'a YAML file could not be parsed',
  E_MODULE_DEPENDENCY: 'a module depends on a module that is not configured',
  E_MODULE_START: 'a module failed to start',
  E_CHANNEL_NOT_FOUND: 'unknown channel id or wrong key',
  E_OTEL_BAD_FRAME: 'a telemetry frame had an unknown prefix, bad JSON or a malformed OTLP body',
  E_HTTP_BAD_ROUTE: 'an http trigger api_path is malformed (empty or repeated parameter name)',
  E_HTTP_ROUTE_CONFLICT: 'an http route has the same shape as another with different parameter names',
  E_HTTP_BAD_JSON: 'HTTP 400: an application/json request body is not valid JSON',
  E_HTTP_BAD_FORM: 'HTTP 400: a multipart/form-data request body is malformed',
  E_HTTP_BODY_TOO_LARGE: 'HTTP 413: a buffered request body exceeded max_body_bytes',
  E_HTTP_METHOD_NOT_ALLOWED: 'HTTP 405: the path exists but not for this method',
  E_INTERNAL: 'unexpected internal error',
} as const;

export type ErrorCode = keyof typeof ErrorCodes;
