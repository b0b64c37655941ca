/** Error statuses of workers.md §1.5: 500 (handler / condition errors), 422 (condition false), 504 (timeouts). */
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { uniqueName } from '../../helpers/names.ts';
import { deferred } from '../../helpers/wait.ts';
import { type HttpHarness, startHttp, uniquePath } from './harness.ts';

interface ErrorEnvelope {
  error: { code: string; message: string; error_id?: string };
  skipped?: boolean;
}

describe('http e2e: handler and condition errors', () => {
  let h: HttpHarness;
  before(async () => {
    h = await startHttp();
  });
  after(async () => {
    await h?.close();
  });

  it('500 with the function error code, message and a hex error_id when the handler throws', async () => {
    const p = uniquePath();
    await h.route({ api_path: `${p}/boom` }, async () => {
      throw new Error('kaboom');
    });
    const res = await fetch(`${h.base}${p}/boom`);
    assert.equal(res.status, 500);
    const body = (await res.json()) as ErrorEnvelope;
    assert.equal(body.error.code, 'invocation_failed');
    assert.equal(body.error.message, 'kaboom');
    assert.match(body.error.error_id ?? '', /^[0-9a-f]+$/);
  });

  it('500 function_not_found when the bound function does not exist', async () => {
    const p = uniquePath();
    await h.bind(uniqueName('missing-fn'), { api_path: `${p}/ghost` });
    const res = await fetch(`${h.base}${p}/ghost`);
    assert.equal(res.status, 500);
    assert.equal(((await res.json()) as ErrorEnvelope).error.code, 'function_not_found');
  });

  it('422 when the condition returns false; passes on null; 500 when it throws', async () => {
    const p = uniquePath();
    const cond = uniqueName('cond');
    let conditionInput: Record<string, unknown> | undefined;
    await h.fn(cond, async (input) => {
      conditionInput = input as Record<string, unknown>;
      const q = (input as { query_params: Record<string, string> }).query_params.allow;
      if (q === 'throw') throw new Error('condition broke');
      return q === 'no' ? false : null;
    });
    let calls = 0;
    await h.route({ api_path: `${p}/gated`, http_method: 'POST', condition_function_id: cond }, async () => {
      calls++;
      return { body: { ran: true } };
    });
    const denied = await fetch(`${h.base}${p}/gated?allow=no`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: '{"k":1}',
    });
    assert.equal(denied.status, 422);
    assert.deepEqual(await denied.json(), { error: { code: 'CONDITION_NOT_MET', message: 'Request condition not met' }, skipped: true });
    assert.deepEqual(conditionInput?.body, { k: 1 }, 'the condition sees the parsed body');
    assert.equal('request_body' in (conditionInput ?? {}), false, 'but no channel refs');
    assert.equal('response' in (conditionInput ?? {}), false);
    const passed = await fetch(`${h.base}${p}/gated?allow=yes`, { method: 'POST' });
    assert.deepEqual(await passed.json(), { ran: true });
    const broken = await fetch(`${h.base}${p}/gated?allow=throw`, { method: 'POST' });
    assert.equal(broken.status, 500);
    assert.equal(((await broken.json()) as ErrorEnvelope).error.message, 'condition broke');
    assert.equal(calls, 1);
  });
});

describe('http e2e: timeouts', () => {
  let h: HttpHarness;
  before(async () => {
    // Only handlers that never answer run here, so a short timeout cannot fail a healthy request.
    h = await startHttp({ default_timeout: 200 });
  });
  after(async () => {
    await h?.close();
  });

  it('504 with an empty body when the handler exceeds default_timeout', async () => {
    const p = uniquePath();
    const release = deferred<void>(30_000, 'test end');
    await h.route({ api_path: `${p}/slow` }, async () => {
      await release.promise;
      return { body: 'late' };
    });
    try {
      const res = await fetch(`${h.base}${p}/slow`);
      assert.equal(res.status, 504);
      assert.equal(await res.text(), '');
    } finally {
      release.resolve();
    }
  });

  it('504 when the handler returns nothing and never writes its response channel', async () => {
    // A null result hands the answer to the response channel (workers.md §1.4); if nothing arrives there the timeout answers.
    const p = uniquePath();
    await h.route({ api_path: `${p}/silent` }, async () => undefined);
    const res = await fetch(`${h.base}${p}/silent`);
    assert.equal(res.status, 504);
  });

  it('504 MIDDLEWARE_TIMEOUT when a middleware exceeds default_timeout', async () => {
    const p = uniquePath();
    const release = deferred<void>(30_000, 'test end');
    const mw = uniqueName('slow-mw');
    await h.fn(mw, async () => {
      await release.promise;
      return { action: 'continue' };
    });
    let calls = 0;
    await h.route({ api_path: `${p}/mw`, middleware_function_ids: [mw] }, async () => {
      calls++;
      return {};
    });
    try {
      const res = await fetch(`${h.base}${p}/mw`);
      assert.equal(res.status, 504);
      assert.deepEqual(await res.json(), { error: { code: 'MIDDLEWARE_TIMEOUT', message: 'Middleware timeout' } });
      assert.equal(calls, 0);
    } finally {
      release.resolve();
    }
  });
});
