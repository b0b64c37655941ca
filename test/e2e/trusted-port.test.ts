/**
 * The trusted worker port (iii-worker-manager without rbac): 127.0.0.1 by default; bound anywhere else
 * it needs a shared secret, which real iii-sdk workers present as a header, in the URL path, or as
 * `?secret=`; everyone else gets AUTH_ERROR.
 */
import assert from 'node:assert/strict';
import { networkInterfaces } from 'node:os';
import { describe, it } from 'node:test';
import { createLogger, startEngine } from '@triad/engine';
import { registerWorker } from 'iii-sdk';
import { createChannel } from 'iii-sdk/helpers';
import { WebSocket } from 'ws';
import { connectWorker, startTestEngine, type TestEngine, waitForFunction } from '../helpers/engine.ts';
import { uniqueName } from '../helpers/names.ts';

const SECRET = `s3cret-${uniqueName('k')}/+=`;

function secured(): Promise<TestEngine> {
  return startTestEngine({ workers: [{ name: 'iii-worker-manager', config: { host: '0.0.0.0', secret: SECRET } }] });
}

/** The code an SDK call is refused with (undefined when it succeeds). */
async function refusal(p: Promise<unknown>): Promise<string | undefined> {
  try {
    await p;
    return undefined;
  } catch (err) {
    return (err as { code?: string }).code;
  }
}

/** A non-loopback IPv4 address of this machine, if it has one. */
function externalIPv4(): string | undefined {
  for (const list of Object.values(networkInterfaces()))
    for (const a of list ?? []) if (a.family === 'IPv4' && !a.internal) return a.address;
  return undefined;
}

describe('trusted worker port', () => {
  it('says in its ready line that it is bound to every interface and needs the secret', async () => {
    const lines: string[] = [];
    const logger = createLogger('iii', { level: 'info', sink: (line) => lines.push(line) });
    const engine = await startEngine({
      logger,
      workers: [{ name: 'iii-worker-manager', config: { host: '0.0.0.0', port: 0, secret: SECRET } }],
    });
    try {
      const ready = lines.find((l) => l.includes('listening for workers on'));
      assert.match(ready ?? '', /listening for workers on ws:\/\/127\.0\.0\.1:\d+ \(bound to 0\.0\.0\.0, secret required\)/);
    } finally {
      await engine.stop();
    }
  });

  it('binds 127.0.0.1 by default: another interface of the same machine is refused', async (t) => {
    const engine = await startEngine({ logLevel: 'warn', workers: [{ name: 'iii-worker-manager', config: { port: 0 } }] });
    try {
      const port = new URL(engine.addresses.worker as string).port;
      assert.equal(new URL(engine.addresses.worker as string).hostname, '127.0.0.1');
      const ip = externalIPv4();
      if (!ip) return t.skip('no non-loopback IPv4 interface on this machine');
      const err = await new Promise<Error>((resolve) => {
        const ws = new WebSocket(`ws://${ip}:${port}`);
        ws.once('error', resolve);
        ws.once('open', () => resolve(new Error('connected')));
      });
      assert.match(err.message, /ECONNREFUSED/);
    } finally {
      await engine.stop();
    }
  });

  it('refuses to start beyond loopback without a secret, with a coded error', async () => {
    const saved = process.env.III_ENGINE_SECRET;
    delete process.env.III_ENGINE_SECRET;
    try {
      await assert.rejects(
        startEngine({ logLevel: 'silent', workers: [{ name: 'iii-worker-manager', config: { host: '0.0.0.0', port: 0 } }] }),
        (err: Error) => /E_LISTENER_NO_SECRET: .*III_ENGINE_SECRET/.test(err.message),
      );
      // The explicit opt-out starts.
      const open = await startEngine({
        logLevel: 'silent',
        workers: [{ name: 'iii-worker-manager', config: { host: '0.0.0.0', port: 0, allow_unauthenticated: true } }],
      });
      await open.stop();
    } finally {
      if (saved !== undefined) process.env.III_ENGINE_SECRET = saved;
    }
  });

  it('accepts the right secret (header or URL path) and refuses a wrong or missing one with AUTH_ERROR', async () => {
    const engine = await secured();
    const ns = uniqueName('auth');
    const server = connectWorker(engine, `${ns}-server`, { headers: { authorization: `Bearer ${SECRET}` } });
    const viaPath = registerWorker(`${engine.workerUrl}/secret/${encodeURIComponent(SECRET)}`, {
      otel: { enabled: false },
      enableMetricsReporting: false,
    });
    const wrong = connectWorker(engine, `${ns}-wrong`, { headers: { authorization: 'Bearer nope' } });
    const missing = connectWorker(engine, `${ns}-missing`);
    try {
      server.registerFunction(`${ns}::hello`, async () => ({ hi: true }));
      await waitForFunction(engine, `${ns}::hello`);
      assert.deepEqual(await viaPath.trigger({ function_id: `${ns}::hello`, payload: {} }), { hi: true });
      assert.equal(await refusal(wrong.trigger({ function_id: `${ns}::hello`, payload: {}, timeoutMs: 10_000 })), 'AUTH_ERROR');
      assert.equal(await refusal(missing.trigger({ function_id: `${ns}::hello`, payload: {}, timeoutMs: 10_000 })), 'AUTH_ERROR');
      // A refused socket registered nothing.
      missing.registerFunction(`${ns}::hijack`, async () => null);
      assert.equal(await refusal(server.trigger({ function_id: `${ns}::hijack`, payload: {} })), 'function_not_found');
    } finally {
      await Promise.all([server.shutdown(), viaPath.shutdown(), wrong.shutdown(), missing.shutdown()]);
      await engine.stop();
    }
  });

  it('takes ?secret= from clients that cannot set headers; channels work through the path form', async () => {
    const engine = await secured();
    const ws = new WebSocket(`${engine.workerUrl}/?secret=${encodeURIComponent(SECRET)}`);
    const viaPath = registerWorker(`${engine.workerUrl}/secret/${encodeURIComponent(SECRET)}`, {
      otel: { enabled: false },
      enableMetricsReporting: false,
    });
    try {
      const first = await new Promise<{ type: string }>((resolve, reject) => {
        ws.once('message', (d: Buffer) => resolve(JSON.parse(d.toString())));
        ws.once('error', reject);
      });
      assert.equal(first.type, 'workerregistered');
      const channel = await createChannel(viaPath);
      const chunks: Buffer[] = [];
      const read = (async () => {
        for await (const c of channel.reader.stream) chunks.push(Buffer.from(c as Uint8Array));
      })();
      channel.writer.stream.end(Buffer.from('through the prefix'));
      await read;
      assert.equal(Buffer.concat(chunks).toString(), 'through the prefix');
    } finally {
      ws.close();
      await viaPath.shutdown();
      await engine.stop();
    }
  });

  it('guards the telemetry socket too: /otel without the secret is refused, /secret/<s>/otel is kept', async () => {
    const engine = await secured();
    const refused = new WebSocket(`${engine.workerUrl}/otel`);
    const kept = new WebSocket(`${engine.workerUrl}/secret/${encodeURIComponent(SECRET)}/otel`);
    const keptOpen = new Promise<void>((resolve, reject) => {
      kept.once('open', () => resolve());
      kept.once('error', reject);
    });
    try {
      const first = await new Promise<{ type: string; error?: { code: string } }>((resolve, reject) => {
        refused.once('message', (d: Buffer) => resolve(JSON.parse(d.toString())));
        refused.once('error', reject);
      });
      assert.equal(first.error?.code, 'AUTH_ERROR');
      const closeCode = await new Promise<number>((resolve) => refused.once('close', (code: number) => resolve(code)));
      assert.equal(closeCode, 1008);
      await keptOpen;
      // The refused socket's close came after its one-second linger; the kept one is still open past it.
      assert.equal(kept.readyState, WebSocket.OPEN);
    } finally {
      refused.close();
      kept.close();
      await engine.stop();
    }
  });
});
