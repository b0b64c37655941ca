/** Request spans (workers.md §1.8): `"<METHOD> <registered path>"`, parented on the caller's traceparent, handed on to the handler. */
import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { after, before, describe, it } from 'node:test';
import { connectWorker, waitForFunction } from '../../helpers/engine.ts';
import { uniqueName } from '../../helpers/names.ts';
import { waitFor } from '../../helpers/wait.ts';
import { type HttpHarness, startHttp, uniquePath } from './harness.ts';

interface Span {
  trace_id: string;
  span_id: string;
  parent_span_id: string | null;
  name: string;
  status: string;
  attributes: Array<[string, string]>;
}

describe('http e2e: tracing', () => {
  let h: HttpHarness;
  before(async () => {
    h = await startHttp();
  });
  after(async () => {
    await h?.close();
  });

  it('records a server span per request and makes it the parent of the handler invocation', async () => {
    const p = uniquePath();
    const traceId = randomBytes(16).toString('hex');
    const parentId = randomBytes(8).toString('hex');
    // A worker with OpenTelemetry on exports its `execute` span, which must nest under the request span.
    const traced = connectWorker(h.engine, uniqueName('traced'), {
      otel: { enabled: true, serviceName: uniqueName('svc'), fetchInstrumentationEnabled: false },
    });
    const fnId = uniqueName('trace-fn');
    traced.registerFunction(fnId, async () => ({ status_code: 302, headers: { Location: 'https://example.com' } }));
    await waitForFunction(h.engine, fnId);
    await h.bind(fnId, { api_path: `${p}/s/:code` });
    try {
      const res = await fetch(`${h.base}${p}/s/abc?x=1`, {
        redirect: 'manual',
        headers: { traceparent: `00-${traceId}-${parentId}-01`, 'user-agent': 'trace-test' },
      });
      assert.equal(res.status, 302);
      const span = await waitFor(
        async () => {
          const r = (await h.worker.trigger({
            function_id: 'engine::traces::list',
            payload: { trace_id: traceId, include_internal: true },
          })) as { spans: Span[] };
          return r.spans.find((s) => s.name === `GET ${p}/s/:code`);
        },
        { what: 'the request span' },
      );
      assert.equal(span.parent_span_id, parentId);
      assert.equal(span.status, 'ok');
      const attrs = new Map(span.attributes);
      assert.equal(attrs.get('http.route'), `${p}/s/:code`);
      assert.equal(attrs.get('url.path'), `${p}/s/abc`);
      assert.equal(attrs.get('url.query'), 'x=1');
      assert.equal(attrs.get('http.response.status_code'), '302');
      assert.equal(attrs.get('user_agent.original'), 'trace-test');
      assert.equal(attrs.get('iii.function.kind'), 'user');
      const child = await waitFor(
        async () => {
          const r = (await h.worker.trigger({ function_id: 'engine::traces::tree', payload: { trace_id: traceId } })) as {
            roots: Array<Span & { children: Span[] }>;
          };
          return r.roots.find((s) => s.span_id === span.span_id)?.children.find((c) => c.name === `execute ${fnId}`);
        },
        { what: 'the handler span under the request span', timeoutMs: 30_000 },
      );
      assert.equal(child.parent_span_id, span.span_id);
    } finally {
      await traced.shutdown();
    }
  });
});
