/**
 * Durability: every `state::set` the engine acknowledged survives `kill -9` of the engine process.
 * The engine runs in a child process; a real iii-sdk worker writes; SIGKILL lands while more writes are
 * in flight; a fresh engine on the same project dir must return every acknowledged value.
 */
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { once } from 'node:events';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createInterface } from 'node:readline';
import { test } from 'node:test';
import { fileURLToPath } from 'node:url';
import { connectWorker, startTestEngine } from '../../helpers/engine.ts';
import { uniqueName } from '../../helpers/names.ts';
import { waitFor } from '../../helpers/wait.ts';

const CHILD = fileURLToPath(new URL('./engine-child.ts', import.meta.url));

async function firstLine(child: ReturnType<typeof spawn>): Promise<string> {
  const rl = createInterface({ input: child.stdout! });
  const [line] = (await Promise.race([once(rl, 'line'), once(child, 'exit').then(() => ['<child exited>'])])) as [string];
  rl.close();
  return line;
}

test('acknowledged state::set writes survive kill -9 of the engine', async () => {
  const projectDir = mkdtempSync(join(tmpdir(), 'triad-crash-'));
  const child = spawn(process.execPath, ['--import', 'tsx', CHILD, projectDir], { stdio: ['ignore', 'pipe', 'inherit'] });
  const scope = uniqueName('crash');
  const acked = new Map<string, unknown>();
  let worker: ReturnType<typeof connectWorker> | undefined;
  try {
    const line = await firstLine(child);
    const { worker: workerUrl } = JSON.parse(line) as { worker: string };
    worker = connectWorker({ workerUrl });
    const w = worker;
    const write = async (i: number): Promise<void> => {
      const value = { i, payload: 'x'.repeat(i % 50) };
      await w.trigger({ function_id: 'state::set', payload: { scope, key: `k${i}`, value } });
      acked.set(`k${i}`, value);
    };
    // Batches of concurrent writes, so acks come from group commits of several records.
    for (let b = 0; b < 10; b++) await Promise.all(Array.from({ length: 20 }, (_, j) => write(b * 20 + j)));
    // Keep writing while the kill lands: these may or may not survive, but each acked one must.
    for (let j = 0; j < 200; j++) write(200 + j).catch(() => {});
    await waitFor(() => acked.size > 210, { what: 'some in-flight writes acknowledged' });
    child.kill('SIGKILL');
    await once(child, 'exit');
    await w.shutdown().catch(() => {});
    worker = undefined;
  } finally {
    if (child.exitCode === null && child.signalCode === null) child.kill('SIGKILL');
    await worker?.shutdown();
  }

  const snapshot = new Map(acked);
  const engine = await startTestEngine({
    projectDir,
    workers: [{ name: 'state', config: { adapter: { name: 'kv', config: { store_method: 'file_based' } } } }],
  });
  const reader = connectWorker(engine);
  try {
    for (const [key, value] of snapshot) {
      assert.deepEqual(await reader.trigger({ function_id: 'state::get', payload: { scope, key } }), value, `acknowledged ${key} lost`);
    }
    assert.ok(snapshot.size >= 210);
  } finally {
    await reader.shutdown();
    await engine.stop();
  }
});
