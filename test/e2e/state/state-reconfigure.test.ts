/** Live config keys of `state` (workers.md §2.3): triggers_enabled and max_value_bytes apply without a restart. */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { connectWorker, startTestEngine } from '../../helpers/engine.ts';
import { uniqueName } from '../../helpers/names.ts';
import { waitFor } from '../../helpers/wait.ts';
import { waitForTrigger } from './trigger-ready.ts';

test('state reconfigure: max_value_bytes and triggers_enabled are live, data is kept', async () => {
  const engine = await startTestEngine({ workers: [{ name: 'state' }] });
  const w = connectWorker(engine);
  const scope = uniqueName('live');
  const handler = uniqueName('on-live');
  const seen: string[] = [];
  try {
    w.registerFunction(handler, async (e: { key: string }) => {
      seen.push(e.key);
      return null;
    });
    w.registerTrigger({ type: 'state', function_id: handler, config: { scope } });
    await waitForTrigger(engine, handler, 'state');
    const set = (key: string, value: unknown) => w.trigger({ function_id: 'state::set', payload: { scope, key, value } });

    await set('before', 'x'.repeat(100));
    await waitFor(() => seen.includes('before'));
    await engine.reconfigure('state', { max_value_bytes: 10, triggers_enabled: false });
    await assert.rejects(set('big', 'x'.repeat(100)), { code: 'VALUE_TOO_LARGE' });
    await set('quiet', 1);
    await engine.reconfigure('state', { triggers_enabled: true });
    await set('loud', 2);
    await waitFor(() => seen.includes('loud'));
    // 'quiet' was written while triggers were off; 'loud' fired after, so 'quiet' can no longer arrive.
    assert.deepEqual(seen, ['before', 'loud']);
    assert.deepEqual(await w.trigger({ function_id: 'state::list', payload: { scope } }), ['x'.repeat(100), 1, 2]);
  } finally {
    await w.shutdown();
    await engine.stop();
  }
});
