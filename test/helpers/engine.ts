/**
 * Start a real Triad engine in-process on free ports, and connect real iii-sdk workers to it.
 *
 * @example
 * const engine = await startTestEngine({ workers: [{ name: 'state' }] });
 * const w = connectWorker(engine, 'caller');
 * try { ... } finally { await w.shutdown(); await engine.stop(); }
 */
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { type RunningEngine, type StartEngineOptions, startEngine } from '@triad/engine';
import { type IIIClient, type InitOptions, registerWorker } from 'iii-sdk';
import { uniqueName } from './names.ts';
import { waitFor } from './wait.ts';

export interface WorkerEntry {
  name: string;
  config?: Record<string, unknown>;
}

/** Modules that listen on a port: tests always bind them to 127.0.0.1:0. */
const LISTENERS = new Set(['iii-worker-manager', 'http', 'iii-http', 'iii-stream', 'console']);

export interface TestEngineOptions extends Omit<StartEngineOptions, 'workers'> {
  workers?: WorkerEntry[];
}

export interface TestEngine extends RunningEngine {
  /** ws://127.0.0.1:<port> of the first worker listener. */
  workerUrl: string;
  projectDir: string;
}

export async function startTestEngine(opts: TestEngineOptions = {}): Promise<TestEngine> {
  const projectDir = opts.projectDir ?? mkdtempSync(join(tmpdir(), 'triad-test-'));
  const workers = (opts.workers ?? []).map((w) =>
    LISTENERS.has(w.name) ? { ...w, config: { host: '127.0.0.1', port: 0, ...(w.config ?? {}) } } : w,
  );
  if (!workers.some((w) => w.name === 'iii-worker-manager'))
    workers.unshift({ name: 'iii-worker-manager', config: { host: '127.0.0.1', port: 0 } });
  const running = await startEngine({ logLevel: 'warn', ...opts, projectDir, workers });
  const workerUrl = running.addresses.worker;
  if (!workerUrl) throw new Error('engine published no worker address');
  return Object.assign(running, { workerUrl, projectDir });
}

/** Connect a real iii-sdk worker. OTel is off unless asked for, to keep tests quiet and fast. */
export function connectWorker(engine: { workerUrl: string }, name = uniqueName('worker'), options: InitOptions = {}): IIIClient {
  return registerWorker(engine.workerUrl, { workerName: name, otel: { enabled: false }, enableMetricsReporting: false, ...options });
}

/** Wait until the engine knows a function id (registration is not acknowledged on the wire). */
export async function waitForFunction(engine: RunningEngine, functionId: string, timeoutMs = 10_000): Promise<void> {
  await waitFor(() => engine.api.hasFunction(functionId), { timeoutMs, what: `function ${functionId}` });
}
