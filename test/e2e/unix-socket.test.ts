/**
 * The worker listener on a Unix domain socket (`unix_socket`, or the embedder's `localWorkerSocket`):
 * the real iii-sdk connects to `ws+unix:///path.sock:/` and everything it does over TCP works the same,
 * `/otel` and channels included; the socket file is 0600, removed on stop, taken over from a crashed
 * engine but never from a live one.
 */
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { type RunningEngine, startEngine, UNIX_SOCKET_PATH_MAX } from '@triad/engine';
import { type IIIClient, registerWorker } from 'iii-sdk';
import { createChannel } from 'iii-sdk/helpers';
import { connectWorker, startTestEngine, waitForFunction } from '../helpers/engine.ts';
import { uniqueName } from '../helpers/names.ts';
import { accepts, freePort } from '../helpers/ports.ts';
import { waitFor } from '../helpers/wait.ts';
import { listSpans } from './observability/helpers.ts';

/** A fresh short folder for socket files (deleted by the caller). */
function socketDir(): string {
  return mkdtempSync(join(tmpdir(), 'triad-uds-'));
}

function unixWorker(url: string, name: string, options: Parameters<typeof registerWorker>[1] = {}): IIIClient {
  return registerWorker(url, { workerName: name, otel: { enabled: false }, enableMetricsReporting: false, ...options });
}

async function engineOn(path: string, extra: Record<string, unknown> = {}): Promise<RunningEngine> {
  return startEngine({
    logLevel: 'silent',
    workers: [
      { name: 'iii-worker-manager', config: { host: '127.0.0.1', port: 0, unix_socket: path, ...extra } },
      { name: 'http', config: { host: '127.0.0.1', port: 0 } },
    ],
  });
}

/** An engine listening on `<fresh dir>/<file>`: `fn` runs against it, then the engine stops and the folder goes. */
async function withSocketEngine(file: string, extra: Record<string, unknown>, fn: (engine: RunningEngine, path: string) => Promise<void>) {
  const dir = socketDir();
  const path = join(dir, file);
  const engine = await engineOn(path, extra);
  try {
    await fn(engine, path);
  } finally {
    await engine.stop();
    rmSync(dir, { recursive: true, force: true });
  }
}

/** Write `text` into a fresh channel and read it back from the other end (both sockets opened by `client`). */
async function channelRoundTrip(client: IIIClient, text: string): Promise<string> {
  const channel = await createChannel(client);
  const read = (async () => {
    const parts: Buffer[] = [];
    for await (const c of channel.reader.stream) parts.push(Buffer.from(c as Uint8Array));
    return Buffer.concat(parts).toString();
  })();
  channel.writer.stream.end(Buffer.from(text));
  return read;
}

describe('worker listener on a Unix socket', () => {
  it('the real SDK registers, calls and is called both ways, across TCP too; HTTP triggers and channels work', async () => {
    const dir = socketDir();
    const path = join(dir, 'e.sock');
    const engine = await engineOn(path);
    const ns = uniqueName('uds');
    const overUnix = unixWorker(engine.addresses['worker-unix'] as string, `${ns}-unix`);
    const overTcp = connectWorker({ workerUrl: engine.addresses.worker as string }, `${ns}-tcp`);
    try {
      assert.equal(engine.addresses['worker-unix'], `ws+unix://${path}:/`);
      overUnix.registerFunction(`${ns}::double`, async (d: { n: number }) => ({ n: d.n * 2 }));
      overTcp.registerFunction(`${ns}::inc`, async (d: { n: number }) => ({ n: d.n + 1 }));
      await waitForFunction(engine, `${ns}::double`);
      await waitForFunction(engine, `${ns}::inc`);
      // engine → unix worker, unix worker → tcp worker, tcp worker → unix worker
      assert.deepEqual(await engine.api.invoke(`${ns}::double`, { n: 4 }), { n: 8 });
      assert.deepEqual(await overUnix.trigger({ function_id: `${ns}::inc`, payload: { n: 1 } }), { n: 2 });
      assert.deepEqual(await overTcp.trigger({ function_id: `${ns}::double`, payload: { n: 5 } }), { n: 10 });
      // a built-in function, called from the socket
      const fns = (await overUnix.trigger({ function_id: 'engine::functions::list', payload: {} })) as {
        functions: { function_id: string }[];
      };
      assert.ok(fns.functions.some((f) => f.function_id === `${ns}::inc`));

      // a trigger registered over the socket
      overUnix.registerFunction(`${ns}::page`, async () => ({ status_code: 200, body: { via: 'unix' } }));
      overUnix.registerTrigger({ type: 'http', function_id: `${ns}::page`, config: { api_path: `${ns}/page`, http_method: 'GET' } });
      const body = await waitFor(
        async () => {
          const res = await fetch(`${engine.addresses.http}/${ns}/page`);
          return res.status === 200 ? ((await res.json()) as { via: string }) : undefined;
        },
        { what: 'the HTTP route registered over the socket' },
      );
      assert.deepEqual(body, { via: 'unix' });

      // a channel: both ends over the socket (`ws+unix://…:/ws/channels/<id>`)
      assert.equal(await channelRoundTrip(overUnix, 'through the socket'), 'through the socket');
    } finally {
      await Promise.all([overUnix.shutdown(), overTcp.shutdown()]);
      await engine.stop();
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it("the SDK's /otel socket follows: its spans arrive in engine::traces", () =>
    withSocketEngine('o.sock', {}, async (engine) => {
      const ns = uniqueName('udsotel');
      const worker = unixWorker(engine.addresses['worker-unix'] as string, ns, {
        otel: { enabled: true, serviceName: ns, fetchInstrumentationEnabled: false },
      });
      try {
        worker.registerFunction(`${ns}::traced`, async () => ({ ok: true }));
        await waitForFunction(engine, `${ns}::traced`);
        await engine.api.invoke(`${ns}::traced`, {});
        const span = await waitFor(async () => (await listSpans(engine, { name: `execute ${ns}::traced` })).spans[0], {
          what: 'the SDK span sent over the socket',
        });
        assert.equal(span.service_name, ns);
      } finally {
        await worker.shutdown();
      }
    }));

  const secret = `k/${uniqueName('s')}`;
  it('the secret is checked on the socket as on the port (path form carries it to /otel and channels)', () =>
    withSocketEngine('s.sock', { secret }, async (engine) => {
      const ns = uniqueName('udssec');
      const base = (engine.addresses['worker-unix'] as string).replace(/\/$/, '');
      const good = unixWorker(`${base}/secret/${encodeURIComponent(secret)}`, `${ns}-good`);
      const bad = unixWorker(engine.addresses['worker-unix'] as string, `${ns}-bad`);
      try {
        good.registerFunction(`${ns}::hi`, async () => ({ hi: true }));
        await waitForFunction(engine, `${ns}::hi`);
        assert.deepEqual(await good.trigger({ function_id: `${ns}::hi`, payload: {} }), { hi: true });
        await assert.rejects(bad.trigger({ function_id: `${ns}::hi`, payload: {}, timeoutMs: 10_000 }), { code: 'AUTH_ERROR' });
        assert.equal(await channelRoundTrip(good, 'ok'), 'ok');
      } finally {
        await Promise.all([good.shutdown(), bad.shutdown()]);
      }
    }));

  it('the socket file is 0600 while the engine runs and gone after it stops', async () => {
    const dir = socketDir();
    const path = join(dir, 'm.sock');
    const engine = await engineOn(path);
    try {
      const st = statSync(path);
      assert.ok(st.isSocket());
      assert.equal(st.mode & 0o777, 0o600);
    } finally {
      await engine.stop();
    }
    assert.equal(await accepts(path), false);
    assert.throws(() => statSync(path), { code: 'ENOENT' });
    rmSync(dir, { recursive: true, force: true });
  });

  it('a worker reconnects over the socket after the engine restarts', async () => {
    const dir = socketDir();
    const path = join(dir, 'r.sock');
    const ns = uniqueName('udsre');
    let engine = await engineOn(path);
    const worker = unixWorker(engine.addresses['worker-unix'] as string, ns);
    try {
      worker.registerFunction(`${ns}::alive`, async () => ({ alive: true }));
      await waitForFunction(engine, `${ns}::alive`);
      await engine.stop();
      engine = await engineOn(path);
      await waitForFunction(engine, `${ns}::alive`, 30_000);
      assert.deepEqual(await engine.api.invoke(`${ns}::alive`, {}), { alive: true });
    } finally {
      await worker.shutdown();
      await engine.stop();
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it("takes over a crashed engine's socket file, but never a live one or a file that is not a socket", async () => {
    const dir = socketDir();
    try {
      // A process that binds the socket and dies without closing it leaves the file behind.
      const stale = join(dir, 'stale.sock');
      const child = spawn(process.execPath, [
        '-e',
        `require('node:net').createServer().listen(${JSON.stringify(stale)}, () => process.kill(process.pid, 'SIGKILL'))`,
      ]);
      await new Promise((resolve) => child.once('exit', resolve));
      assert.ok(statSync(stale).isSocket(), 'the dead process left its socket file');
      const engine = await engineOn(stale);
      const ns = uniqueName('udsstale');
      const worker = unixWorker(engine.addresses['worker-unix'] as string, ns);
      try {
        worker.registerFunction(`${ns}::up`, async () => ({ up: true }));
        await waitForFunction(engine, `${ns}::up`);
      } finally {
        await worker.shutdown();
        await engine.stop();
      }

      const live = join(dir, 'live.sock');
      const other = createServer();
      await new Promise<void>((resolve) => other.listen(live, resolve));
      try {
        await assert.rejects(engineOn(live), (err: Error) =>
          /E_LISTENER_SOCKET_IN_USE: another engine is using the socket/.test(err.message),
        );
        assert.equal(await accepts(live), true, 'the live socket was left alone');
      } finally {
        await new Promise<void>((resolve) => other.close(() => resolve()));
      }

      const file = join(dir, 'notes.txt');
      writeFileSync(file, 'keep me');
      await assert.rejects(engineOn(file), (err: Error) => /E_LISTENER_SOCKET_IN_USE: .* is not a socket/.test(err.message));
      assert.ok(statSync(file).isFile());
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it('a path longer than a socket address holds is a coded error at start, and the TCP port is released', async () => {
    const dir = socketDir();
    const long = join(dir, `${'x'.repeat(UNIX_SOCKET_PATH_MAX)}.sock`);
    const port = await freePort();
    try {
      await assert.rejects(engineOn(long, { port }), (err: Error) =>
        /E_LISTENER_SOCKET_PATH_TOO_LONG: socket path is \d+ bytes, longer than the \d+/.test(err.message),
      );
      const again = createServer();
      await new Promise<void>((resolve, reject) => {
        again.once('error', reject);
        again.listen(port, '127.0.0.1', resolve);
      });
      await new Promise<void>((resolve) => again.close(() => resolve()));
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it("the embedder's localWorkerSocket goes to the first trusted listener only", async () => {
    const dir = socketDir();
    const path = join(dir, 'l.sock');
    const plain = await startTestEngine({ localWorkerSocket: path });
    try {
      assert.equal(plain.addresses['worker-unix'], `ws+unix://${path}:/`);
      const ns = uniqueName('udslocal');
      const w = unixWorker(plain.addresses['worker-unix'] as string, ns);
      try {
        w.registerFunction(`${ns}::f`, async () => 1);
        await waitForFunction(plain, `${ns}::f`);
      } finally {
        await w.shutdown();
      }
    } finally {
      await plain.stop();
    }
    // A main listener with RBAC is for outsiders: it does not take the embedder's socket.
    const rbac = await startTestEngine({
      localWorkerSocket: path,
      workers: [{ name: 'iii-worker-manager', config: { rbac: { expose_functions: [] } } }],
    });
    try {
      assert.equal(rbac.addresses['worker-unix'], undefined);
      assert.equal(await accepts(path), false);
    } finally {
      await rbac.stop();
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
