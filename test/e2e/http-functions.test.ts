/** HTTP-invoked functions (iii-http-functions): a worker registers a URL, other workers call it through the engine. */
import assert from 'node:assert/strict';
import { createServer, type IncomingMessage } from 'node:http';
import type { AddressInfo } from 'node:net';
import { after, before, describe, it } from 'node:test';
import { connectWorker, startTestEngine, type TestEngine, waitForFunction } from '../helpers/engine.ts';
import { uniqueName } from '../helpers/names.ts';
import { waitFor } from '../helpers/wait.ts';

describe('iii-http-functions', () => {
  let engine: TestEngine;
  let base = '';
  const seen: Array<{ method: string; url: string; headers: IncomingMessage['headers']; body: string }> = [];
  const server = createServer((req, res) => {
    let body = '';
    req.on('data', (c) => (body += c));
    req.on('end', () => {
      seen.push({ method: req.method ?? '', url: req.url ?? '', headers: req.headers, body });
      if (req.url === '/fail') {
        res.writeHead(422, { 'content-type': 'application/json' });
        res.end(JSON.stringify({ error: { code: 'not_today', message: 'nope' } }));
      } else if (req.url === '/text') {
        res.writeHead(200, { 'content-type': 'text/plain' });
        res.end('plain');
      } else {
        res.writeHead(200, { 'content-type': 'application/json' });
        res.end(JSON.stringify({ got: JSON.parse(body || 'null') }));
      }
    });
  });

  before(async () => {
    await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
    base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
    process.env.TRIAD_TEST_TOKEN = 'sekrit';
    engine = await startTestEngine({
      workers: [
        {
          name: 'iii-http-functions',
          config: { security: { url_allowlist: ['127.0.0.1'], block_private_ips: false, require_https: false } },
        },
      ],
    });
  });
  after(async () => {
    await engine.stop();
    server.close();
  });

  it('calls the URL with the payload and maps JSON results and errors', async () => {
    const ns = uniqueName('hf');
    const owner = connectWorker(engine);
    const caller = connectWorker(engine);
    try {
      owner.registerFunction(`${ns}::remote`, {
        url: `${base}/echo`,
        method: 'POST',
        auth: { type: 'bearer', token_key: 'TRIAD_TEST_TOKEN' },
      });
      owner.registerFunction(`${ns}::fails`, { url: `${base}/fail` });
      owner.registerFunction(`${ns}::text`, { url: `${base}/text` });
      owner.registerFunction(`${ns}::elsewhere`, { url: 'http://example.com/x' });
      await waitForFunction(engine, `${ns}::text`);
      const r = (await caller.trigger({ function_id: `${ns}::remote`, payload: { a: 1 } })) as { got: Record<string, unknown> };
      assert.equal(r.got.a, 1);
      const req = seen.find((x) => x.url === '/echo');
      assert.equal(req?.headers.authorization, 'Bearer sekrit');
      assert.equal(req?.headers['x-iii-function-path'], `${ns}::remote`);
      await assert.rejects(caller.trigger({ function_id: `${ns}::fails`, payload: {} }), (e: { code?: string }) => e.code === 'not_today');
      await assert.rejects(
        caller.trigger({ function_id: `${ns}::text`, payload: {} }),
        (e: { code?: string }) => e.code === 'invalid_response',
      );
      // a host outside the allow-list is never registered
      assert.equal(engine.api.hasFunction(`${ns}::elsewhere`), false);
      await owner.shutdown();
      await waitFor(() => !engine.api.hasFunction(`${ns}::remote`), { what: 'HTTP function removed with its owner' });
      await assert.rejects(
        caller.trigger({ function_id: `${ns}::remote`, payload: {} }),
        (e: { code?: string }) => e.code === 'function_not_found',
      );
    } finally {
      await owner.shutdown();
      await caller.shutdown();
    }
  });
});
