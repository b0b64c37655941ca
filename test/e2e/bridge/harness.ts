/**
 * Two real engines in one process: a backend on a fixed free port (so it can be restarted where the
 * bridge expects it) and a front engine whose `iii-bridge` (or bridge adapter) points at it.
 */
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { IIIClient } from 'iii-sdk';
import WebSocket from 'ws';
import { startTestEngine, type TestEngine, type WorkerEntry } from '../../helpers/engine.ts';
import { uniqueName } from '../../helpers/names.ts';
import { freePort } from '../../helpers/ports.ts';
import { deferred } from '../../helpers/wait.ts';
import { waitForTrigger } from '../queue/helpers.ts';

export interface Backend {
  url: string;
  projectDir: string;
  port: number;
  engine: TestEngine;
  /** Stop the engine and start a fresh one on the same port (nothing survives but the address). */
  restart(): Promise<TestEngine>;
  stop(): Promise<void>;
}

export async function startBackend(workers: WorkerEntry[] = [], port?: number, listener: Record<string, unknown> = {}): Promise<Backend> {
  const p = port ?? (await freePort());
  // One project dir for every boot: a restart finds what the previous run left (config/, data/).
  const projectDir = mkdtempSync(join(tmpdir(), 'triad-backend-'));
  const boot = () =>
    startTestEngine({ projectDir, workers: [{ name: 'iii-worker-manager', config: { port: p, ...listener } }, ...workers] });
  const backend: Backend = {
    url: `ws://127.0.0.1:${p}`,
    projectDir,
    port: p,
    engine: await boot(),
    async restart() {
      await backend.engine.stop();
      backend.engine = await boot();
      return backend.engine;
    },
    stop: () => backend.engine.stop(),
  };
  return backend;
}

export function bridgeEntry(url: string, config: Record<string, unknown> = {}): WorkerEntry {
  return { name: 'iii-bridge', config: { url, ...config } };
}

/**
 * One call over a raw worker socket, answering with the whole `invocationresult` frame: the iii-sdk keeps
 * only `code` and `message` of an error, and these tests check the extra fields on the wire.
 */
export async function rawCall(workerUrl: string, functionId: string, data: unknown): Promise<Record<string, unknown>> {
  const ws = new WebSocket(workerUrl);
  const result = deferred<Record<string, unknown>>(10_000, `result of ${functionId}`);
  ws.on('message', (buf: WebSocket.RawData) => {
    const m = JSON.parse(buf.toString()) as Record<string, unknown>;
    if (m.type === 'invocationresult' && m.invocation_id === 'raw-1') result.resolve(m);
  });
  ws.on('error', (err) => result.reject(err));
  ws.on('open', () => ws.send(JSON.stringify({ type: 'invokefunction', invocation_id: 'raw-1', function_id: functionId, data })));
  try {
    return await result.promise;
  } finally {
    ws.close();
  }
}

/** Bind a trigger of `type` on `engine` through worker `w`; resolves (once live) with what it receives. */
export async function recordTrigger<T>(engine: TestEngine, w: IIIClient, type: string, config: Record<string, unknown>): Promise<T[]> {
  const seen: T[] = [];
  const fn = uniqueName(`on-${type}`);
  w.registerFunction(fn, async (e: T) => {
    seen.push(e);
    return null;
  });
  w.registerTrigger({ type, function_id: fn, config });
  await waitForTrigger(engine, fn, type);
  return seen;
}
