/**
 * The `configuration` bridge adapter: entries live on a backend engine. One fan-out per change on the
 * bridged engine (its own writes' echoes are dropped), a re-read after every reconnect, and a relay id of
 * its own per bridged engine.
 */
import assert from 'node:assert/strict';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import type { IIIClient } from 'iii-sdk';
import { connectWorker, startTestEngine, type TestEngine } from '../../helpers/engine.ts';
import { uniqueName } from '../../helpers/names.ts';
import { waitFor } from '../../helpers/wait.ts';
import { recordTrigger, startBackend } from './harness.ts';

type Event = { event_type: string; new_value: { a: number } | null };
const bridged = (url: string) => ({ name: 'configuration', config: { adapter: { name: 'bridge', config: { bridge_url: url } } } });
const schema = { type: 'object', properties: { a: { type: 'integer' } } };

const watchEntry = (engine: TestEngine, w: IIIClient, id: string) =>
  recordTrigger<Event>(engine, w, 'configuration', { configuration_id: id });

const values = (seen: Event[]) => seen.map((e) => [e.event_type, e.new_value?.a]);

describe('configuration: bridge adapter', () => {
  it('keeps entries on the backend, fans each change out once, and re-reads after a backend restart', async () => {
    const id = uniqueName('app').replace(/[^a-z0-9_-]/g, '');
    const backend = await startBackend();
    const front = await startTestEngine({ workers: [bridged(backend.url)] });
    const w = connectWorker(front);
    try {
      const seen = await watchEntry(front, w, id);
      await front.api.invoke('configuration::register', { id, name: 'App', schema, initial_value: { a: 1 } });
      await waitFor(
        async () => ((await backend.engine.api.invoke('configuration::get', { id })) as { value: { a: number } }).value?.a === 1,
      );

      await backend.engine.api.invoke('configuration::set', { id, value: { a: 2 } });
      await waitFor(() => seen.length >= 2, { what: 'the backend change on the front' });
      await front.api.invoke('configuration::set', { id, value: { a: 3 } });
      await waitFor(
        async () => ((await backend.engine.api.invoke('configuration::get', { id })) as { value: { a: number } }).value.a === 3,
      );
      await backend.engine.api.invoke('configuration::set', { id, value: { a: 4 } });
      await waitFor(() => seen.some((e) => e.new_value?.a === 4), { what: 'a:4 on the front' });
      // The echo of the front's own a:3 would sit between a:3 and a:4: it was dropped.
      assert.deepEqual(values(seen), [
        ['configuration:registered', 1],
        ['configuration:updated', 2],
        ['configuration:updated', 3],
        ['configuration:updated', 4],
      ]);

      // Changed while the backend was down: the front reads it again when the link is back.
      await backend.engine.stop();
      writeFileSync(join(backend.projectDir, 'config', `${id}.yaml`), `id: ${id}\nname: App\nvalue:\n  a: 5\n`);
      await backend.restart();
      await waitFor(() => seen.some((e) => e.new_value?.a === 5), { what: 'the re-read after the restart', timeoutMs: 15_000 });
      assert.deepEqual(((await front.api.invoke('configuration::get', { id })) as { value: unknown }).value, { a: 5 });
    } finally {
      await w.shutdown();
      await front.stop();
      await backend.stop();
    }
  });

  it('gives each bridged engine its own relay, so both hear every backend change', async () => {
    const id = uniqueName('shared').replace(/[^a-z0-9_-]/g, '');
    const backend = await startBackend();
    await backend.engine.api.invoke('configuration::register', { id, name: 'Shared', schema, initial_value: { a: 1 } });
    const a = await startTestEngine({ workers: [bridged(backend.url)] });
    const b = await startTestEngine({ workers: [bridged(backend.url)] });
    const wa = connectWorker(a);
    const wb = connectWorker(b);
    try {
      assert.deepEqual(((await b.api.invoke('configuration::get', { id })) as { value: unknown }).value, { a: 1 }, 'primed at boot');
      const onA = await watchEntry(a, wa, id);
      const onB = await watchEntry(b, wb, id);
      await backend.engine.api.invoke('configuration::set', { id, value: { a: 7 } });
      await waitFor(() => onA.length === 1 && onB.length === 1, { what: 'the change on both engines' });
      const relays = backend.engine.api.services
        .get('introspection')
        ?.functions()
        .filter((f) => f.id.startsWith('configuration::bridge::on_change::'));
      assert.equal(relays?.length, 2);
    } finally {
      await Promise.all([wa.shutdown(), wb.shutdown()]);
      await Promise.all([a.stop(), b.stop()]);
      await backend.stop();
    }
  });
});
