/**
 * The `[REGISTERED] …` info lines (workers.md §16) for a real iii-sdk worker's function, HTTP endpoint,
 * trigger type and a trigger on it; nothing of the kind below info level.
 */
import assert from 'node:assert/strict';
import { it } from 'node:test';
import { createLogger } from '@triad/engine';
import { connectWorker, startTestEngine } from '../helpers/engine.ts';
import { uniqueName } from '../helpers/names.ts';
import { waitFor } from '../helpers/wait.ts';

it('logs [REGISTERED] Function / Endpoint / Trigger type / Trigger at info level', async () => {
  const lines: string[] = [];
  const logger = createLogger('iii', { level: 'info', format: 'text', sink: (line) => lines.push(line) });
  const engine = await startTestEngine({ logger, workers: [{ name: 'http' }] });
  const ns = uniqueName('reg');
  const worker = connectWorker(engine);
  try {
    worker.registerFunction(`${ns}::create`, async () => ({ status_code: 201 }));
    worker.registerTrigger({ type: 'http', function_id: `${ns}::create`, config: { api_path: `/${ns}/links`, http_method: 'post' } });
    worker.registerTriggerType(
      { id: `${ns}-tick`, description: 'test type' },
      { registerTrigger: async () => {}, unregisterTrigger: async () => {} },
    );
    worker.registerTrigger({ type: `${ns}-tick`, function_id: `${ns}::create`, config: { every: 5 } });
    const text = (): string => lines.join('\n');
    await waitFor(() => text().includes(`Trigger ${ns}-tick {"every":5} → ${ns}::create`), { what: 'the trigger line' });
    assert.match(text(), new RegExp(` INFO  \\[iii:core\\] \\[REGISTERED\\] Function ${ns}::create$`, 'm'));
    assert.match(text(), new RegExp(`\\[REGISTERED\\] Endpoint POST /${ns}/links → ${ns}::create$`, 'm'));
    assert.match(text(), new RegExp(`\\[REGISTERED\\] Trigger type ${ns}-tick$`, 'm'));
    assert.equal(lines.filter((l) => l.includes(`Function ${ns}::create`)).length, 1);
  } finally {
    await worker.shutdown();
    await engine.stop();
  }
});
