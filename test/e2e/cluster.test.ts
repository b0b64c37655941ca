/**
 * The Linkly cluster end to end (docs/cluster.md): two engines as child processes sharing PostgreSQL,
 * Redis and RabbitMQ. A link created through A redirects through B; a dashboard subscriber on A sees a
 * click made through B exactly once; analytics counts a created link once; every click is recorded once.
 * Skips (saying why) without Redis, RabbitMQ or PostgreSQL; fails under CI=true.
 */
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { uniqueName } from '../helpers/names.ts';
import { waitFor } from '../helpers/wait.ts';
import { type Cluster, clusterSkip, startCluster } from './cluster-harness.ts';
import { createLink, follow, type Linkly, type StreamFrame, subscribeClicks } from './linkly-harness.ts';

/** Every non-sync event about `code`'s clicks. */
const eventsFor = (frames: StreamFrame[], code: string) =>
  frames.filter((f) => f.event?.type !== 'sync' && (f.event?.data as { code?: string } | undefined)?.code === code);

const skip = await clusterSkip();

describe('Linkly cluster: two engines, one PostgreSQL / Redis / RabbitMQ', { skip }, () => {
  let cluster: Cluster;
  before(async () => {
    cluster = await startCluster();
  });
  after(async () => {
    await cluster?.stop();
  });

  it('a link created through engine A redirects through engine B', async () => {
    const code = uniqueName('ab')
      .slice(-20)
      .replace(/[^a-z0-9]/gi, '');
    assert.equal((await createLink(cluster.a, { url: 'https://iii.dev/cluster', code })).status, 201);
    assert.deepEqual(await follow(cluster.b, code), { status: 302, location: 'https://iii.dev/cluster' });
  });

  it('a subscriber on A sees each click made through B exactly once; each click is recorded once', async () => {
    const code = uniqueName('clk')
      .slice(-20)
      .replace(/[^a-z0-9]/gi, '');
    assert.equal((await createLink(cluster.b, { url: 'https://iii.dev/clicks', code })).status, 201);
    const onA = await subscribeClicks(cluster.a);
    const onB = await subscribeClicks(cluster.b);
    try {
      assert.equal((await follow(cluster.b, code)).status, 302);
      await waitFor(() => eventsFor(onA.frames, code).length >= 1, { timeoutMs: 30_000, what: 'the click on A' });
      // A second click is the marker: once it is in on both sockets, a duplicate of the first would be too
      // (one click-streamer writes them in order, and each group's events reach every engine in commit order).
      assert.equal((await follow(cluster.b, code)).status, 302);
      for (const sub of [onA, onB])
        await waitFor(() => eventsFor(sub.frames, code).length >= 2, { timeoutMs: 30_000, what: 'both clicks' });
      for (const sub of [onA, onB]) {
        const events = eventsFor(sub.frames, code);
        assert.deepEqual(
          events.map((e) => e.event?.type),
          ['create', 'create'],
          'one create per click, nothing else',
        );
        assert.notDeepEqual(events[0]?.event?.data, events[1]?.event?.data);
      }
      const rows = await cluster.sql<{ n: string }>('SELECT COUNT(*) AS n FROM clicks WHERE code = $1', [code]);
      assert.equal(Number(rows[0]?.n), 2, 'two clicks recorded, once each');
    } finally {
      onA.close();
      onB.close();
    }
  });

  it('analytics counts a link created through either engine once', async () => {
    const today = (): Promise<number> =>
      cluster
        .sql<{ count: number }>('SELECT count FROM daily_link_counts WHERE day = $1', [new Date().toISOString().slice(0, 10)])
        .then((r) => Number(r[0]?.count ?? 0));
    const created = async (app: Linkly): Promise<void> => {
      const code = uniqueName('an')
        .slice(-20)
        .replace(/[^a-z0-9]/gi, '');
      assert.equal((await createLink(app, { url: 'https://iii.dev/analytics', code })).status, 201);
    };
    const before = await today();
    await created(cluster.a);
    await created(cluster.b);
    await waitFor(async () => (await today()) >= before + 2, { timeoutMs: 30_000, what: 'two counted links' });
    // A third creation as the marker: once it is counted, a double count of the first two would show.
    await created(cluster.b);
    await waitFor(async () => (await today()) >= before + 3, { timeoutMs: 30_000, what: 'the marker counted' });
    assert.equal(await today(), before + 3);
  });
});
