/**
 * End-to-end harness for the http worker: a real engine on port 0 with the `http` module, one real
 * iii-sdk worker, and `route()` to bind a handler. Routes are registered through
 * `engine::register_trigger` called by the SDK, so the call returns only once the route is live
 * (or fails with the registration error): no polling needed.
 */
import type { IIIClient } from 'iii-sdk';
import { connectWorker, startTestEngine, type TestEngine, waitForFunction } from '../../helpers/engine.ts';
import { uniqueName } from '../../helpers/names.ts';

/** The request as the SDK hands it to a handler (channel refs already turned into objects). */
export interface HttpReq {
  query_params: Record<string, string>;
  path_params: Record<string, string>;
  headers: Record<string, string>;
  path: string;
  method: string;
  body: unknown;
  raw_body?: string;
  raw_body_encoding?: 'utf8' | 'base64';
  trigger: { type: string; path: string; method: string };
  request_body: { readAll(): Promise<Buffer>; stream: NodeJS.ReadableStream };
  response: { sendMessage(msg: string): void; stream: NodeJS.WritableStream; close(): void };
}

export type Handler = (req: HttpReq, metadata?: unknown, traceparent?: string) => Promise<unknown>;

export interface HttpHarness {
  engine: TestEngine;
  worker: IIIClient;
  /** `http://127.0.0.1:<port>` */
  base: string;
  /** Register `fn` under a unique id and bind it; returns the function id. */
  route(config: Record<string, unknown>, fn: Handler, opts?: { id?: string; metadata?: unknown }): Promise<string>;
  /** Register a plain function (middleware, condition) under `id`. */
  fn(id: string, fn: (input: unknown, metadata?: unknown, traceparent?: string) => Promise<unknown>): Promise<void>;
  /** Bind an existing function; rejects with the registration error. */
  bind(functionId: string, config: Record<string, unknown>, metadata?: unknown): Promise<string>;
  close(): Promise<void>;
}

export async function startHttp(httpConfig: Record<string, unknown> = {}): Promise<HttpHarness> {
  const engine = await startTestEngine({ workers: [{ name: 'http', config: httpConfig }] });
  const base = engine.addresses.http;
  if (!base) throw new Error('http module published no address');
  const worker = connectWorker(engine, uniqueName('http-e2e'));
  const h: HttpHarness = {
    engine,
    worker,
    base,
    async fn(id, fn) {
      worker.registerFunction(id, fn);
      await waitForFunction(engine, id);
    },
    async bind(functionId, config, metadata) {
      const res = (await worker.trigger({
        function_id: 'engine::register_trigger',
        // metadata is always sent: engine::register_trigger currently requires the key (reported to the lead).
        payload: { trigger_type: 'http', function_id: functionId, config, metadata: metadata ?? null },
      })) as { id: string };
      return res.id;
    },
    async route(config, fn, opts = {}) {
      const id = opts.id ?? uniqueName('http-fn');
      await h.fn(id, fn as (input: unknown) => Promise<unknown>);
      await h.bind(id, config, opts.metadata);
      return id;
    },
    async close() {
      await worker.shutdown();
      await engine.stop();
    },
  };
  return h;
}

/** A unique path prefix per test, e.g. `/t-1a2b3c4d`. */
export function uniquePath(prefix = 't'): string {
  return `/${uniqueName(prefix)}`;
}
