/** Small helpers shared by the database e2e suites: calls through a real iii-sdk worker and their coded errors. */
import assert from 'node:assert/strict';
import type { IIIClient } from 'iii-sdk';

export type Call = (function_id: string, payload: unknown) => Promise<unknown>;

export const caller =
  (w: IIIClient): Call =>
  (function_id, payload) =>
    w.trigger({ function_id, payload });

/** Reject with `code`; returns the tagged error object carried in the message. */
export async function rejectsWith(p: Promise<unknown>, code: string): Promise<Record<string, unknown>> {
  const err = (await p.then(
    () => assert.fail(`expected ${code}`),
    (e: unknown) => e,
  )) as { code?: string; message?: string };
  assert.equal(err.code, code, err.message);
  // The SDK's InvocationError message is `<code>: <wire message>`; the wire message is the JSON.
  const prefix = `${code}: `;
  const message = String(err.message);
  assert.ok(message.startsWith(prefix), message);
  return JSON.parse(message.slice(prefix.length)) as Record<string, unknown>;
}

/** Settle-tracking: `done()` says whether the promise has settled yet, without waiting. */
export function track<T>(p: Promise<T>): { p: Promise<T>; done(): boolean } {
  let settled = false;
  p.then(
    () => (settled = true),
    () => (settled = true),
  );
  return { p, done: () => settled };
}
