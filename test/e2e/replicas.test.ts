/**
 * One function id served by several real iii-sdk workers (replicas): calls are spread (fewest in flight,
 * round robin between equals), a departed replica gets no calls, the id lives while one replica does,
 * and a call in flight on a replica that dies ends with invocation_stopped.
 */
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import type { IIIClient } from 'iii-sdk';
import { connectWorker, startTestEngine, type TestEngine, waitForFunction } from '../helpers/engine.ts';
import { uniqueName } from '../helpers/names.ts';
import { waitFor } from '../helpers/wait.ts';

type Input = { hang?: boolean };

/** A replica answering its own name; `hang` calls never answer. */
function replica(engine: TestEngine, fn: string, name: string): { worker: IIIClient; hung: () => number } {
  const worker = connectWorker(engine, name);
  let hung = 0;
  worker.registerFunction(fn, async (input: Input) => {
    if (input?.hang) {
      hung++;
      return new Promise(() => {});
    }
    return { by: name };
  });
  return { worker, hung: () => hung };
}

async function codeOf(p: Promise<unknown>): Promise<string | undefined> {
  try {
    await p;
    return undefined;
  } catch (err) {
    return (err as { code?: string }).code;
  }
}

describe('replicas: one function id, several workers', () => {
  let engine: TestEngine;
  let caller: IIIClient;
  before(async () => {
    engine = await startTestEngine({ workers: [{ name: 'iii-engine-functions' }] });
    caller = connectWorker(engine, uniqueName('caller'));
  });
  after(async () => {
    await caller.shutdown();
    await engine.stop();
  });

  const countBy = async (fn: string, n: number): Promise<Record<string, number>> => {
    const seen: Record<string, number> = {};
    for (let i = 0; i < n; i++) {
      const { by } = (await caller.trigger({ function_id: fn, payload: {} })) as { by: string };
      seen[by] = (seen[by] ?? 0) + 1;
    }
    return seen;
  };

  it('spreads sequential calls evenly and lists the id once', async () => {
    const fn = `${uniqueName('rep')}::who`;
    const a = replica(engine, fn, 'a');
    const b = replica(engine, fn, 'b');
    try {
      await waitFor(async () => Object.keys(await countBy(fn, 2)).length === 2, { what: 'both replicas registered' });
      assert.deepEqual(await countBy(fn, 20), { a: 10, b: 10 });
      const listed = (await caller.trigger({ function_id: 'engine::functions::list', payload: { prefix: fn } })) as {
        functions: Array<{ function_id?: string; id?: string }>;
      };
      assert.equal(listed.functions.length, 1);
    } finally {
      await Promise.all([a.worker.shutdown(), b.worker.shutdown()]);
    }
  });

  it('a busy replica gets no new calls while another is idle (fewest in flight)', async () => {
    const fn = `${uniqueName('rep')}::work`;
    const a = replica(engine, fn, 'a');
    const b = replica(engine, fn, 'b');
    try {
      await waitFor(async () => Object.keys(await countBy(fn, 2)).length === 2, { what: 'both replicas registered' });
      void caller.trigger({ function_id: fn, payload: { hang: true }, timeoutMs: 60_000 }).catch(() => {});
      await waitFor(() => a.hung() + b.hung() === 1, { what: 'the hanging call to land' });
      const idle = a.hung() === 1 ? 'b' : 'a';
      assert.deepEqual(await countBy(fn, 6), { [idle]: 6 });
    } finally {
      await Promise.all([a.worker.shutdown(), b.worker.shutdown()]);
    }
  });

  it('survives a replica leaving; its in-flight call ends invocation_stopped; none left → function_not_found', async () => {
    const fn = `${uniqueName('rep')}::live`;
    const a = replica(engine, fn, 'a');
    await waitForFunction(engine, fn);
    const inFlight = codeOf(caller.trigger({ function_id: fn, payload: { hang: true }, timeoutMs: 60_000 }));
    await waitFor(() => a.hung() === 1, { what: 'the call to reach a' });
    const b = replica(engine, fn, 'b');
    await waitFor(async () => (await countBy(fn, 1)).b === 1, { what: 'b to serve' });
    await a.worker.shutdown();
    assert.equal(await inFlight, 'invocation_stopped');
    assert.deepEqual(await countBy(fn, 5), { b: 5 });
    await b.worker.shutdown();
    await waitFor(() => !engine.api.hasFunction(fn), { what: 'the id to go' });
    assert.equal(await codeOf(caller.trigger({ function_id: fn, payload: {} })), 'function_not_found');
  });
});
