/**
 * At-least-once across a crash: 1,000 messages are enqueued through an engine running in a child
 * process, which is killed with SIGKILL mid-way (some enqueued, some processed, some in flight) and
 * restarted on the same data dir and port. Every message must be processed; duplicates are allowed
 * (the test dedupes by id), losses are not.
 */
import assert from 'node:assert/strict';
import { type ChildProcess, spawn } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createInterface } from 'node:readline';
import { it } from 'node:test';
import { TriggerAction } from 'iii-sdk';
import { connectWorker } from '../../helpers/engine.ts';
import { uniqueName } from '../../helpers/names.ts';
import { waitFor } from '../../helpers/wait.ts';

const CHILD = new URL('./fixtures/engine-child.ts', import.meta.url).pathname;
const TOTAL = 1000;
const QUEUES = { crash: { concurrency: 10, max_retries: 5, backoff_ms: 10 } };

/** Spawn the engine child and resolve with its worker URL once it says READY. */
function spawnEngine(dir: string, port: number): Promise<{ child: ChildProcess; url: string }> {
  const child = spawn(process.execPath, ['--import', 'tsx', CHILD, dir, String(port), JSON.stringify(QUEUES)], {
    stdio: ['ignore', 'pipe', 'inherit'],
  });
  return new Promise((resolve, reject) => {
    const lines = createInterface({ input: child.stdout! });
    lines.on('line', (line) => {
      if (line.startsWith('READY ')) resolve({ child, url: line.slice(6) });
    });
    child.once('exit', (code) => reject(new Error(`engine child exited early (${code})`)));
  });
}

function exited(child: ChildProcess): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return Promise.resolve();
  return new Promise((resolve) => child.once('exit', () => resolve()));
}

it('queue: every acknowledged message is processed after kill -9 and restart', { timeout: 120_000 }, async (t) => {
  const dir = mkdtempSync(join(tmpdir(), 'queue-crash-'));
  let engine = await spawnEngine(dir, 0);
  const port = Number(new URL(engine.url).port);
  const w = connectWorker({ workerUrl: engine.url }, uniqueName('crash'), {
    invocationTimeoutMs: 3000,
    reconnectionConfig: { initialDelayMs: 20, maxDelayMs: 200, jitterFactor: 0 },
  });
  try {
    const fn = uniqueName('crash::job');
    const processed = new Set<number>();
    let deliveries = 0;
    w.registerFunction(fn, async (data: { i: number }) => {
      deliveries++;
      processed.add(data.i);
      return null;
    });
    const acked = new Set<number>();
    let next = 0;
    // 20 producers; an enqueue that fails or times out (engine gone) is retried until acknowledged.
    const producer = async (): Promise<void> => {
      for (let i = next++; i < TOTAL; i = next++) {
        for (;;) {
          try {
            await w.trigger({ function_id: fn, payload: { i }, action: TriggerAction.Enqueue({ queue: 'crash' }) });
            acked.add(i);
            break;
          } catch {
            // retry: at-least-once from the producer's side too
          }
        }
      }
    };
    const producing = Promise.all(Array.from({ length: 20 }, producer));

    await waitFor(() => acked.size >= 400, { timeoutMs: 30_000, what: '400 acknowledged enqueues' });
    engine.child.kill('SIGKILL');
    await exited(engine.child);
    const ackedBeforeCrash = [...acked];
    const processedBeforeCrash = processed.size;
    assert.ok(processedBeforeCrash < TOTAL, 'the crash happened mid-way');

    engine = await spawnEngine(dir, port);
    await producing;
    await waitFor(() => processed.size === TOTAL, { timeoutMs: 60_000, what: `${TOTAL} processed (have ${processed.size})` });
    for (const i of ackedBeforeCrash) assert.ok(processed.has(i), `message ${i} acknowledged before the crash was processed`);
    assert.ok(deliveries >= TOTAL);
    t.diagnostic(
      `at the kill: ${ackedBeforeCrash.length} acknowledged, ${processedBeforeCrash} processed; deliveries in total: ${deliveries}`,
    );
  } finally {
    await w.shutdown();
    engine.child.kill('SIGTERM');
    await exited(engine.child);
    rmSync(dir, { recursive: true, force: true });
  }
});
