/**
 * Linkly ch. 3 and ch. 4: links survive an engine restart (SQL is the truth, the state cache is
 * in-memory), and a redirect never waits for its click to be written (the click goes through a queue).
 */
import assert from 'node:assert/strict';
import { it } from 'node:test';
import type { IIIClient } from 'iii-sdk';
import { uniqueName } from '../helpers/names.ts';
import { waitFor } from '../helpers/wait.ts';
import { connect, createLink, follow, type Linkly, startLinkly, workerTransports } from './linkly-harness.ts';

async function clicksInSql(client: IIIClient, code: string): Promise<number> {
  const res = (await client.trigger({
    function_id: 'database::query',
    payload: { db: 'primary', sql: 'SELECT COUNT(*) AS n FROM clicks WHERE code = ?', params: [code] },
  })) as { rows: { n: number }[] };
  return Number(res.rows[0]?.n ?? 0);
}

it('ch. 3: links and clicks survive an engine restart', async () => {
  const first = await startLinkly();
  const code = uniqueName('keep');
  const clients: IIIClient[] = [];
  let second: Linkly | undefined;
  try {
    assert.equal((await createLink(first, { url: 'https://persist.example', code })).status, 201);
    assert.equal((await follow(first, code)).status, 302);
    const client1 = connect(first);
    clients.push(client1);
    await waitFor(async () => (await clicksInSql(client1, code)) === 1, { timeoutMs: 30_000, what: 'the click row' });
    // Closed before the engine goes, or it would keep trying to reconnect.
    await clients.pop()?.shutdown();
    await first.stop();

    second = await startLinkly({ dir: first.dir });
    const client2 = connect(second);
    clients.push(client2);
    // The state cache is in-memory and empty now: this redirect is served from SQL.
    assert.deepEqual(await follow(second, code), { status: 302, location: 'https://persist.example' });
    await waitFor(async () => (await clicksInSql(client2, code)) === 2, { timeoutMs: 30_000, what: 'the second click row' });
    const { links } = (await (await fetch(`${second.api}/links`)).json()) as { links: { code: string; clicks: number }[] };
    assert.equal(links.find((l) => l.code === code)?.clicks, 2);
  } finally {
    for (const c of clients) await c.shutdown();
    await second?.stop();
    await first.stop();
    first.remove();
  }
});

// With the workers on the TCP port (`iii --worker-transport tcp`, the default), said explicitly: linkly.test.ts runs on the socket.
it('ch. 4: a redirect returns before a slow click write finishes (workers over TCP)', async () => {
  const slowMs = 5000;
  const app = await startLinkly({ env: { LINKLY_SLOW_CLICK_MS: String(slowMs) }, workerTransport: 'tcp' });
  // Connected before the redirect, so the check right after it costs one round trip, far below slowMs.
  const client = connect(app);
  try {
    const transports = await workerTransports(client);
    for (const name of ['link', 'analytics', 'click-streamer']) assert.equal(transports[name], 'tcp', name);
    const code = uniqueName('fast');
    assert.equal((await createLink(app, { url: 'https://fast.example', code })).status, 201);
    const started = Date.now();
    assert.deepEqual(await follow(app, code), { status: 302, location: 'https://fast.example' });
    const elapsed = Date.now() - started;
    // Had the redirect waited for record_click it could not have returned in under slowMs.
    assert.ok(elapsed < slowMs, `redirect took ${elapsed} ms`);
    assert.equal(await clicksInSql(client, code), 0, 'the click is still queued when the visitor is already redirected');
    await waitFor(async () => (await clicksInSql(client, code)) === 1, { timeoutMs: 30_000, what: 'the queued click to be written' });
  } finally {
    await client.shutdown();
    await app.stop();
    app.remove();
  }
});
