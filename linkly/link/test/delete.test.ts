/** link::delete and link::request_delete without the engine: a recording `trigger` answers each call. */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { CONFIRM_FUNCTION, createDeleteHandlers } from '../src/delete.ts';
import type { TriggerCall } from '../src/handlers.ts';
import { DELETE_LINK, SELECT_URL } from '../src/sql.ts';

const quiet = { info() {}, warn() {}, error() {} };

function backend(links: string[], confirm: (payload: unknown) => unknown) {
  const rows = new Set(links);
  const calls: TriggerCall[] = [];
  const trigger = async (call: TriggerCall): Promise<unknown> => {
    calls.push(call);
    const p = call.payload as { sql?: string; params?: string[] };
    if (call.function_id === CONFIRM_FUNCTION) return confirm(call.payload);
    if (call.function_id === 'database::query' && p.sql === SELECT_URL) return { rows: rows.has(p.params![0]!) ? [{ url: 'u' }] : [] };
    if (call.function_id === 'database::execute' && p.sql === DELETE_LINK) return { affected_rows: rows.delete(p.params![0]!) ? 1 : 0 };
    return { affected_rows: 0 };
  };
  return { rows, calls, handlers: createDeleteHandlers({ trigger, logger: quiet }) };
}

describe('link deletes', () => {
  it('deletes after the browser confirms, asking with the code and the action', async () => {
    const b = backend(['abc'], () => ({ confirmed: true }));
    assert.deepEqual(await b.handlers.requestDelete({ code: 'abc' }), { code: 'abc', deleted: true });
    assert.equal(b.rows.has('abc'), false);
    const ask = b.calls.find((c) => c.function_id === CONFIRM_FUNCTION)!;
    assert.deepEqual(ask.payload, { code: 'abc', action: 'delete abc' });
    assert.deepEqual(
      b.calls.map((c) => c.function_id),
      ['database::query', CONFIRM_FUNCTION, 'database::execute', 'database::execute', 'state::delete'],
    );
  });

  it('keeps the link when the browser says no', async () => {
    const b = backend(['abc'], () => ({ confirmed: false }));
    assert.deepEqual(await b.handlers.requestDelete({ code: 'abc' }), { code: 'abc', deleted: false });
    assert.equal(b.rows.has('abc'), true);
  });

  it('answers E_LINK_NO_BROWSER when no tab serves the confirm function, and never asks about a missing link', async () => {
    const b = backend(['abc'], () => {
      throw Object.assign(new Error('Function not found'), { code: 'function_not_found' });
    });
    await assert.rejects(b.handlers.requestDelete({ code: 'abc' }), /\[E_LINK_NO_BROWSER\] no browser is connected/);
    await assert.rejects(b.handlers.requestDelete({ code: 'zzz' }), /\[E_LINK_NOT_FOUND\]/);
    assert.equal(b.calls.filter((c) => c.function_id === CONFIRM_FUNCTION).length, 1);
  });

  it('link::delete removes at once, and says when there was nothing to delete', async () => {
    const b = backend(['abc'], () => assert.fail('link::delete never asks'));
    assert.deepEqual(await b.handlers.delete({ code: 'abc' }), { code: 'abc', deleted: true });
    await assert.rejects(b.handlers.delete({ code: 'abc' }), /\[E_LINK_NOT_FOUND\]/);
  });
});
