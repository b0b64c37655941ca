/**
 * The `http` built-in worker (workers.md §1): serves functions bound by `http` triggers on its own
 * port (default 3111). Its surface is the trigger type, plus Triad's `http::request` (a test request to
 * its own listener, for the console).
 * The engine serves no route of its own on this port.
 *
 * @example config.yaml
 * workers:
 *   - name: http
 *     config: { port: 3111, host: 127.0.0.1, default_timeout: 30000 }
 */
import { check, formatIssues } from '../../core/config/schema.ts';
import { EngineError } from '../../core/errors/index.ts';
import type { EngineModule, ModuleContext, ModuleInstance } from '../module.ts';
import { RouteAdmission } from './admission.ts';
import { type HttpConfig, httpConfigSchema } from './config.ts';
import { type CorsPolicy, createCorsPolicy } from './cors.ts';
import { handleRequest, type PipelineDeps } from './pipeline.ts';
import type { RouteTarget } from './request.ts';
import { Router } from './router.ts';
import { ConcurrencyGate, HttpListener } from './server.ts';
import { httpRequestFunction } from './test-request.ts';
import { createHttpTriggerType } from './triggers.ts';

function globalMiddlewareOf(cfg: HttpConfig): string[] {
  // Array.prototype.sort is stable, so equal priorities keep their config order.
  return cfg.middleware
    .filter((m) => m.phase === 'preHandler')
    .sort((a, b) => a.priority - b.priority)
    .map((m) => m.function_id);
}

class HttpModule implements ModuleInstance {
  private config: HttpConfig;
  private cors: CorsPolicy;
  private middleware: string[];
  private readonly router = new Router<RouteTarget>();
  private readonly gate: ConcurrencyGate;
  private readonly admission: RouteAdmission;
  private listener: HttpListener | undefined;
  private url: string | undefined;
  private disposeType: (() => void) | undefined;
  private disposeRequest: (() => void) | undefined;
  private disposeAdmission: (() => void) | undefined;

  constructor(
    private readonly ctx: ModuleContext,
    config: HttpConfig,
  ) {
    this.config = config;
    this.cors = createCorsPolicy(config.cors, ctx.log);
    this.middleware = globalMiddlewareOf(config);
    this.gate = new ConcurrencyGate(
      () => this.config.concurrency_request_limit,
      (err) => this.ctx.log.error('http request crashed', { error: String(err) }),
    );
    this.admission = new RouteAdmission(ctx.engine, () => this.config.queue_admission);
  }

  async start(): Promise<void> {
    const { listener, url } = await this.bind(this.config);
    this.listener = listener;
    this.url = url;
    this.ctx.publishAddress('http', url);
    this.ctx.log.info(`HTTP triggers on ${url}`);
    this.disposeType = this.ctx.engine.registerTriggerType(createHttpTriggerType(this.router, this.ctx.log));
    this.disposeRequest = this.ctx.engine.registerFunction(httpRequestFunction(() => this.url));
    this.disposeAdmission = this.ctx.engine.services.provide('http-admission', this.admission);
  }

  async stop(): Promise<void> {
    this.disposeType?.();
    this.disposeType = undefined;
    this.disposeRequest?.();
    this.disposeRequest = undefined;
    this.disposeAdmission?.();
    this.disposeAdmission = undefined;
    this.url = undefined;
    this.admission.close();
    await this.listener?.close(1_000);
    this.listener = undefined;
  }

  /** Live reload: rebuild CORS / middleware / limits; a new address binds first, then the old listener closes. */
  async reconfigure(raw: unknown): Promise<void> {
    const r = check(httpConfigSchema, raw);
    if (!r.ok) throw new EngineError('E_CONFIG_INVALID', `invalid http config: ${formatIssues(r.issues).replace(/\n/g, '; ')}`);
    const next = r.value;
    const moved = next.host !== this.config.host || next.port !== this.config.port;
    if (moved && this.listener) {
      // A failed bind throws here and keeps the old server serving.
      const { listener, url } = await this.bind(next);
      const old = this.listener;
      this.listener = listener;
      this.url = url;
      this.ctx.publishAddress('http', url);
      void old.close(10_000);
    }
    this.config = next;
    this.cors = createCorsPolicy(next.cors, this.ctx.log);
    this.middleware = globalMiddlewareOf(next);
  }

  private async bind(cfg: HttpConfig): Promise<{ listener: HttpListener; url: string }> {
    const deps: PipelineDeps = {
      engine: this.ctx.engine,
      log: this.ctx.log,
      router: this.router,
      config: () => this.config,
      cors: () => this.cors,
      globalMiddleware: () => this.middleware,
      admission: this.admission,
    };
    const listener = new HttpListener((req, res) => handleRequest(deps, req, res), this.gate);
    const url = await listener.listen(cfg.host, cfg.port);
    return { listener, url };
  }
}

export const httpModule: EngineModule<HttpConfig> = {
  name: 'http',
  aliases: ['iii-http'],
  displayName: 'HTTP',
  description: 'Serves functions as HTTP endpoints through `http` triggers',
  configSchema: httpConfigSchema,
  create: (ctx, config) => new HttpModule(ctx, { ...config }),
};
