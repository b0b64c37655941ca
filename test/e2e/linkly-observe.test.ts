/**
 * Linkly ch. 2 with OpenTelemetry on in the workers (as `npm start` runs them): a redirect is one trace
 * across the engine and the link worker, and the workers' Logger lines reach engine::logs::list.
 */
import assert from 'node:assert/strict';
import { it } from 'node:test';
import { waitFor } from '../helpers/wait.ts';
import { connect, createLink, follow, startLinkly } from './linkly-harness.ts';

interface TreeNode {
  name: string;
  children?: TreeNode[];
}

const names = (n: TreeNode): string[] => [n.name, ...(n.children ?? []).flatMap(names)];

it('ch. 2: GET /s/:code → execute http::redirect → execute link::resolve, and worker logs are collected', async () => {
  const app = await startLinkly({ env: { OTEL_ENABLED: 'true' } });
  const client = connect(app);
  try {
    assert.equal((await createLink(app, { url: 'https://iii.dev', code: 'traced' })).status, 201);
    assert.equal((await follow(app, 'traced')).status, 302);

    const tree = await waitFor(
      async () => {
        const list = (await client.trigger({ function_id: 'engine::traces::list', payload: { name: 'GET /s/:code', limit: 1 } })) as {
          spans: { trace_id: string }[];
        };
        const traceId = list.spans[0]?.trace_id;
        if (!traceId) return undefined;
        const res = (await client.trigger({ function_id: 'engine::traces::tree', payload: { trace_id: traceId } })) as {
          roots: TreeNode[];
        };
        // The worker's spans arrive a moment after the engine's own: wait for link::resolve under the redirect.
        const root = res.roots.find((r) => r.name === 'GET /s/:code');
        const redirect = root?.children?.find((c) => c.name === 'execute http::redirect');
        return redirect?.children?.some((c) => c.name === 'execute link::resolve') ? root : undefined;
      },
      { timeoutMs: 30_000, what: 'the redirect trace with link::resolve' },
    );
    assert.ok(names(tree).includes('execute link::resolve'));

    await waitFor(
      async () => {
        const res = (await client.trigger({ function_id: 'engine::logs::list', payload: { limit: 200 } })) as { logs: { body: unknown }[] };
        return res.logs.some((l) => l.body === 'link created');
      },
      { timeoutMs: 30_000, what: 'the "link created" log line' },
    );
  } finally {
    await client.shutdown();
    await app.stop();
    app.remove();
  }
});
