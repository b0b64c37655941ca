/**
 * Live views over Server-Sent Events (`GET /api/events`), in-process and standalone: a `stream` subscription
 * delivers `ready` then each change, closing it removes the engine trigger, a bad query is a coded 400;
 * and an action through the standalone console is logged as an engine log record.
 */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { startTestEngine, type TestEngine } from '../../../test/helpers/engine.ts';
import { uniqueName } from '../../../test/helpers/names.ts';
import { waitFor } from '../../../test/helpers/wait.ts';
import { consoleModule, startConsole } from './index.ts';

interface SseEvent {
  event: string;
  data: unknown;
}

/** Open an event stream; `next()` resolves with the next event, `close()` aborts the request. */
async function openEvents(url: string): Promise<{ next(): Promise<SseEvent>; close(): void }> {
  const abort = new AbortController();
  const res = await fetch(url, { signal: abort.signal });
  assert.equal(res.status, 200);
  assert.equal(res.headers.get('content-type'), 'text/event-stream');
  const reader = res.body!.getReader();
  const decoder = new TextDecoder();
  let buffer = '';
  return {
    async next() {
      for (;;) {
        const end = buffer.indexOf('\n\n');
        if (end >= 0) {
          const block = buffer.slice(0, end);
          buffer = buffer.slice(end + 2);
          if (block.startsWith(':')) continue;
          const event = /^event: (.*)$/m.exec(block)?.[1] ?? 'message';
          const data = /^data: (.*)$/m.exec(block)?.[1];
          return { event, data: data === undefined ? undefined : JSON.parse(data) };
        }
        const { value, done } = await reader.read();
        if (done) throw new Error('event stream ended');
        buffer += decoder.decode(value, { stream: true });
      }
    },
    close: () => abort.abort(),
  };
}

async function consoleTriggers(engine: TestEngine): Promise<string[]> {
  const r = (await engine.api.invoke('engine::registered-triggers::list', { include_internal: true })) as {
    registered_triggers: Array<{ function_id: string }>;
  };
  return r.registered_triggers.map((t) => t.function_id).filter((f) => f.startsWith('engine::console::events::'));
}

async function followsStream(engine: TestEngine, base: string): Promise<void> {
  const stream_name = uniqueName('live');
  const events = await openEvents(`${base}/api/events?kind=stream&stream_name=${stream_name}&group_id=g`);
  try {
    const ready = await events.next();
    assert.equal(ready.event, 'ready');
    assert.deepEqual(ready.data, { trigger_type: 'stream', config: { stream_name, group_id: 'g' } });
    assert.equal((await consoleTriggers(engine)).length, 1);
    await engine.api.invoke('stream::set', { stream_name, group_id: 'other', item_id: 'x', data: 0 });
    await engine.api.invoke('stream::set', { stream_name, group_id: 'g', item_id: 'a', data: { v: 1 } });
    const change = (await events.next()) as { event: string; data: { streamName: string; groupId: string; id: string; event: unknown } };
    assert.equal(change.event, 'change');
    assert.deepEqual(
      { stream: change.data.streamName, group: change.data.groupId, id: change.data.id, event: change.data.event },
      { stream: stream_name, group: 'g', id: 'a', event: { type: 'create', data: { v: 1 } } },
      'only the subscribed group arrives',
    );
  } finally {
    events.close();
  }
  await waitFor(async () => (await consoleTriggers(engine)).length === 0, { what: 'the trigger removed when the browser left' });
}

describe('console live views (/api/events)', () => {
  it('in-process: ready, then each change of the stream; the trigger goes when the stream closes; bad queries are 400', async () => {
    const engine = await startTestEngine({ modules: [consoleModule], workers: [{ name: 'console' }, { name: 'iii-stream' }] });
    try {
      const base = engine.addresses.console ?? '';
      await followsStream(engine, base);
      for (const q of ['kind=nope', 'kind=stream', 'kind=logs&level=loud', '']) {
        const r = await fetch(`${base}/api/events?${q}`);
        assert.equal(r.status, 400, q);
        assert.equal(((await r.json()) as { error: { code: string } }).error.code, 'E_CONSOLE_BAD_SUBSCRIPTION', q);
      }
      const js = await fetch(`${base}/assets/app.js`, { headers: { 'accept-encoding': 'gzip' } });
      assert.equal(js.headers.get('content-encoding'), 'gzip');
      const app = await js.text();
      assert.match(app, /iii console/);
      // The YAML parser is a chunk of its own, fetched by the Configuration page only.
      const chunk = /"\.\/(chunk-[\w-]+\.js)"/.exec(app)?.[1];
      assert.ok(chunk, 'app.js imports a chunk on demand');
      assert.equal((await fetch(`${base}/assets/${chunk}`)).status, 200);
      assert.equal((await fetch(`${base}/assets/nope.js`)).status, 404);
    } finally {
      await engine.stop();
    }
  });

  it('standalone (iii-sdk): the same live view, and an action stored as an engine log record', async () => {
    const engine = await startTestEngine({ workers: [{ name: 'iii-stream' }, { name: 'state' }] });
    const app = await startConsole({ engineUrl: engine.workerUrl, port: 0 });
    try {
      await waitFor(() => engine.api.hasFunction('console::status'), { what: 'the console connected' });
      await followsStream(engine, app.url);
      const scope = uniqueName('scope');
      const r = await fetch(`${app.url}/api/call`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ function_id: 'state::set', payload: { scope, key: 'k', value: 1 } }),
      });
      assert.equal(r.status, 200);
      const { logs } = (await engine.api.invoke('engine::logs::list', { limit: 100 })) as {
        logs: Array<{ body: string; service_name: string; attributes: Record<string, unknown> }>;
      };
      const record = logs.find((l) => l.body === 'console action: state::set' && String(l.attributes.payload).includes(scope));
      assert.ok(record, 'the action is an engine log record');
      assert.equal(record.service_name, 'iii-console');
      assert.equal(record.attributes.by, '127.0.0.1');
    } finally {
      await app.shutdown();
      await engine.stop();
    }
  });
});
