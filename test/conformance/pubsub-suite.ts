/**
 * The suite every pubsub adapter must pass (`modules/pubsub/adapters/pubsub-adapter.ts`). One adapter
 * instance stands for one engine instance: its `onMessage` is that engine's subscriber table.
 * Exported so a new adapter's test file runs it with one call; `pubsub.test.ts` runs the built-in ones.
 *
 * Absence of a delivery is proven without sleeping: after the message that must not arrive, the same
 * publisher sends a marker on a listened topic; once the marker is in, the earlier message would be too
 * (delivery keeps each publisher's order, which the suite also checks).
 */
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import type { PubSubAdapter } from '@triad/engine/internal';
import { uniqueName } from '../helpers/names.ts';
import { waitFor } from '../helpers/wait.ts';

export interface PubSubAdapterKind {
  name: string;
  /** Instances share messages (one bus across engines), like `redis`; else each is on its own, like `local`. */
  shared: boolean;
  /** A new instance (a new "engine") delivering to `onMessage`. */
  open(onMessage: (topic: string, data: unknown) => void): Promise<PubSubAdapter>;
  /** `false` to run, or why the suite is skipped (e.g. the service is unreachable). */
  skip?: false | string;
}

interface Received {
  topic: string;
  data: unknown;
}

/** An adapter instance with the messages it delivered. */
interface Instance {
  adapter: PubSubAdapter;
  got: Received[];
  /** Data received on `topic`, in arrival order. */
  on(topic: string): unknown[];
}

async function withInstances(kind: PubSubAdapterKind, n: number, fn: (...instances: Instance[]) => Promise<void>): Promise<void> {
  const instances: Instance[] = [];
  try {
    for (let i = 0; i < n; i++) {
      const got: Received[] = [];
      const adapter = await kind.open((topic, data) => got.push({ topic, data }));
      instances.push({ adapter, got, on: (topic) => got.filter((r) => r.topic === topic).map((r) => r.data) });
    }
    await fn(...instances);
  } finally {
    await Promise.all(instances.map((i) => i.adapter.close()));
  }
}

/** Publish a marker from `from` on a topic `to` listens to and wait for it: everything `from` sent before has arrived. */
async function barrier(from: Instance, to: Instance): Promise<void> {
  const topic = uniqueName('pubsub-marker');
  await to.adapter.listen(topic);
  await from.adapter.publish(topic, 'marker');
  await waitFor(() => to.on(topic).length === 1, { what: `marker on ${topic}` });
}

export function pubsubConformance(kind: PubSubAdapterKind): void {
  describe(`pubsub adapter conformance: ${kind.name}`, { skip: kind.skip ?? false }, () => {
    test('a listening instance receives its own publish once, with the topic', () =>
      withInstances(kind, 1, async (a) => {
        const topic = uniqueName('link.created');
        await a.adapter.listen(topic);
        await a.adapter.publish(topic, { code: 'abc' });
        await waitFor(() => a.got.length === 1, { what: 'the delivery' });
        await barrier(a, a);
        assert.deepEqual(a.on(topic), [{ code: 'abc' }]);
      }));

    test('values round-trip as JSON', () =>
      withInstances(kind, 1, async (a) => {
        const topic = uniqueName('values');
        const values: unknown[] = [
          { nested: { list: [1, 'two', null, true], empty: {} }, n: -1.5 },
          [],
          'text with "quotes", \\ and ünïcødé ✓',
          '',
          0,
          2 ** 53 - 1,
          false,
          null,
        ];
        await a.adapter.listen(topic);
        for (const v of values) await a.adapter.publish(topic, v);
        await waitFor(() => a.on(topic).length === values.length, { what: 'every value' });
        assert.deepEqual(a.on(topic), values);
      }));

    test('one publisher’s messages arrive in the order sent', () =>
      withInstances(kind, 1, async (a) => {
        const topic = uniqueName('ordered');
        await a.adapter.listen(topic);
        const sent = Array.from({ length: 200 }, (_, i) => ({ i }));
        // Not awaited one by one: order must hold for back-to-back publishes too.
        await Promise.all(sent.map((m) => a.adapter.publish(topic, m)));
        await waitFor(() => a.on(topic).length === sent.length, { what: '200 messages' });
        assert.deepEqual(a.on(topic), sent);
      }));

    test('topics are exact names: no delivery for topics not listened to, none by pattern', () =>
      withInstances(kind, 1, async (a) => {
        const base = uniqueName('orders');
        await a.adapter.listen(`${base}.*`);
        await a.adapter.listen(`${base}:a/b ✓`);
        await a.adapter.publish(`${base}.created`, 'not a pattern');
        await a.adapter.publish(uniqueName('nobody'), 'nobody listens');
        await a.adapter.publish(`${base}:a/b ✓`, 'exact');
        await a.adapter.publish(`${base}.*`, 'star');
        await barrier(a, a);
        assert.deepEqual(
          a.got.filter((r) => r.data !== 'marker'),
          [
            { topic: `${base}:a/b ✓`, data: 'exact' },
            { topic: `${base}.*`, data: 'star' },
          ],
        );
      }));

    test('unlisten stops delivery; listening again resumes it', () =>
      withInstances(kind, 1, async (a) => {
        const topic = uniqueName('toggle');
        await a.adapter.listen(topic);
        await a.adapter.publish(topic, 1);
        await waitFor(() => a.on(topic).length === 1, { what: 'first message' });
        await a.adapter.unlisten(topic);
        await a.adapter.publish(topic, 2);
        await barrier(a, a);
        await a.adapter.listen(topic);
        await a.adapter.publish(topic, 3);
        await waitFor(() => a.on(topic).length === 2, { what: 'message after re-listen' });
        assert.deepEqual(a.on(topic), [1, 3]);
      }));

    test('close is idempotent and late unlisten calls after it are harmless', () =>
      withInstances(kind, 1, async (a) => {
        const topic = uniqueName('closing');
        await a.adapter.listen(topic);
        await a.adapter.close();
        await a.adapter.unlisten(topic);
        await a.adapter.close();
      }));

    if (kind.shared) {
      test('every listening instance gets each message once, from any publisher, in each publisher’s order', () =>
        withInstances(kind, 3, async (a, b, c) => {
          const topic = uniqueName('fanout');
          await a.adapter.listen(topic);
          await b.adapter.listen(topic);
          const fromA = Array.from({ length: 20 }, (_, i) => ({ from: 'a', i }));
          const fromC = Array.from({ length: 20 }, (_, i) => ({ from: 'c', i }));
          await Promise.all([...fromA.map((m) => a.adapter.publish(topic, m)), ...fromC.map((m) => c.adapter.publish(topic, m))]);
          for (const x of [a, b]) {
            await waitFor(() => x.on(topic).length >= 40, { what: '40 messages' });
            await barrier(a, x);
            await barrier(c, x);
            const got = x.on(topic) as Array<{ from: string }>;
            assert.equal(got.length, 40, 'each message exactly once');
            assert.deepEqual(
              got.filter((m) => m.from === 'a'),
              fromA,
            );
            assert.deepEqual(
              got.filter((m) => m.from === 'c'),
              fromC,
            );
          }
          await barrier(a, c);
          assert.deepEqual(c.on(topic), [], 'the instance that does not listen gets nothing');
        }));

      test('an instance that unlistens stops receiving while the others still do', () =>
        withInstances(kind, 2, async (a, b) => {
          const topic = uniqueName('leave');
          await a.adapter.listen(topic);
          await b.adapter.listen(topic);
          await a.adapter.publish(topic, 1);
          await waitFor(() => b.on(topic).length === 1, { what: 'first message on b' });
          await b.adapter.unlisten(topic);
          await a.adapter.publish(topic, 2);
          await waitFor(() => a.on(topic).length === 2, { what: 'second message on a' });
          await barrier(a, b);
          assert.deepEqual(a.on(topic), [1, 2]);
          assert.deepEqual(b.on(topic), [1]);
        }));
    } else {
      test('instances are isolated: a publish reaches only the publishing instance', () =>
        withInstances(kind, 2, async (a, b) => {
          const topic = uniqueName('isolated');
          await a.adapter.listen(topic);
          await b.adapter.listen(topic);
          await a.adapter.publish(topic, 'from a');
          await waitFor(() => a.on(topic).length === 1, { what: 'delivery on a' });
          await b.adapter.publish(topic, 'from b');
          await waitFor(() => b.on(topic).length === 1, { what: 'delivery on b' });
          assert.deepEqual(a.on(topic), ['from a']);
          assert.deepEqual(b.on(topic), ['from b']);
        }));
    }
  });
}
