/**
 * The browser side of the console API: `call` (POST /api/call), coded errors, a data-loading hook,
 * and live subscriptions (Server-Sent Events from GET /api/events).
 */
import { useCallback, useEffect, useRef, useState } from 'preact/hooks';

/** An engine (or console) error as the API reports it: `{code, message}`. */
export class CodedError extends Error {
  constructor(
    readonly code: string,
    message: string,
    readonly traceId?: string,
  ) {
    super(message);
  }
}

export interface Called<T> {
  result: T;
  traceId?: string;
}

interface CallBody {
  result?: unknown;
  trace_id?: string;
  error?: { code?: string; message?: string };
}

/** Call an engine function; `trace` asks the console to open a trace for it (the Invoke button). */
export async function call<T = unknown>(functionId: string, payload: unknown = {}, opts: { trace?: boolean } = {}): Promise<Called<T>> {
  const res = await fetch('/api/call', {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ function_id: functionId, payload, ...(opts.trace ? { trace: true } : {}) }),
  });
  let body: CallBody;
  try {
    body = (await res.json()) as CallBody;
  } catch {
    throw new CodedError('E_CONSOLE_BAD_RESPONSE', `HTTP ${res.status} without a JSON body`);
  }
  if (!res.ok) throw new CodedError(body.error?.code ?? `HTTP_${res.status}`, body.error?.message ?? '', body.trace_id);
  return { result: body.result as T, ...(body.trace_id ? { traceId: body.trace_id } : {}) };
}

/** Just the result. */
export async function fetchResult<T = unknown>(functionId: string, payload: unknown = {}): Promise<T> {
  return (await call<T>(functionId, payload)).result;
}

export interface Loaded<T> {
  data: T | undefined;
  error: unknown;
  loading: boolean;
  reload: () => void;
}

/** Run `load` when `deps` change (and every `refreshMs` when given); keeps the last data while reloading. */
export function useLoad<T>(load: () => Promise<T>, deps: unknown[], refreshMs?: number): Loaded<T> {
  const [state, setState] = useState<{ data: T | undefined; error: unknown; loading: boolean }>({
    data: undefined,
    error: undefined,
    loading: true,
  });
  const [tick, setTick] = useState(0);
  const reload = useCallback(() => setTick((n) => n + 1), []);
  useEffect(() => {
    let live = true;
    setState((s) => ({ ...s, loading: true }));
    load().then(
      (data) => live && setState({ data, error: undefined, loading: false }),
      (error: unknown) => live && setState((s) => ({ data: s.data, error, loading: false })),
    );
    return () => {
      live = false;
    };
  }, [...deps, tick]);
  useEffect(() => {
    if (!refreshMs) return;
    const timer = setInterval(reload, refreshMs);
    return () => clearInterval(timer);
  }, [refreshMs, reload]);
  return { ...state, reload };
}

export type LiveState = 'connecting' | 'live' | 'failed';

/**
 * Subscribe to `/api/events?…`: `onChange` gets each payload; the returned state turns `live` once the
 * engine trigger is in place (the server's `ready` event).
 */
export function useLive(params: Record<string, string> | undefined, onChange: (payload: unknown) => void): LiveState {
  const [state, setState] = useState<LiveState>('connecting');
  const handler = useRef(onChange);
  handler.current = onChange;
  const key = params ? new URLSearchParams(params).toString() : '';
  useEffect(() => {
    if (!key) return;
    setState('connecting');
    const source = new EventSource(`/api/events?${key}`);
    source.addEventListener('ready', () => setState('live'));
    source.addEventListener('change', (e) => handler.current(JSON.parse((e as MessageEvent<string>).data)));
    source.addEventListener('failure', () => {
      setState('failed');
      source.close();
    });
    return () => source.close();
  }, [key]);
  return state;
}
