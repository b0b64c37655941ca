/**
 * A worker listener's Unix domain socket (`unix_socket` in its config): local workers reach the engine
 * through a socket file instead of TCP loopback, which costs both ends less CPU per WebSocket message
 * (README, "Benchmarks"). It accepts connections and hands them to the listener's HTTP server, so the
 * worker protocol, `/otel`, channels, the secret and RBAC are the very same code as on the TCP port.
 *
 * - Paths longer than the kernel's `sun_path` (108 bytes on Linux, 104 on macOS, NUL included) would be
 *   cut short or refused: E_LISTENER_SOCKET_PATH_TOO_LONG, before anything is touched.
 * - A socket file left by an engine that crashed is removed, but only when nothing answers on it; a
 *   live one is E_LISTENER_SOCKET_IN_USE, and a path holding anything but a socket is never deleted.
 * - Mode 0600: only processes of the engine's own user can connect (docs/security.md). The file is
 *   created under umask 0177, so it is never reachable by others, not even for the instant before the chmod.
 * - Removed on close.
 */
import { chmodSync, lstatSync, mkdirSync, rmSync, type Stats } from 'node:fs';
import { createConnection, createServer, type Server, type Socket } from 'node:net';
import { dirname, isAbsolute } from 'node:path';
import { EngineError } from '../core/errors/engine-error.ts';

/** Longest path (bytes, NUL excluded) the platform's `sockaddr_un.sun_path` holds. */
export const UNIX_SOCKET_PATH_MAX = process.platform === 'linux' ? 107 : 103;

/** Why this path cannot be a socket address (undefined = it can). */
export function unixSocketPathProblem(path: string): string | undefined {
  if (!isAbsolute(path)) return `socket path must be absolute: ${path}`;
  const bytes = Buffer.byteLength(path);
  if (bytes > UNIX_SOCKET_PATH_MAX)
    return `socket path is ${bytes} bytes, longer than the ${UNIX_SOCKET_PATH_MAX} a Unix socket address holds on ${process.platform}: ${path}`;
  return undefined;
}

/**
 * `ws+unix:///abs/path.sock:/` — the form `ws` (under the official iii-sdk) connects to; the SDK appends
 * `/otel` and `/ws/channels/…` after the `:` as it does to a TCP address.
 */
export function unixSocketUrl(path: string): string {
  return `ws+unix://${path}:/`;
}

export interface UnixSocketListener {
  readonly path: string;
  close(): Promise<void>;
}

/** Listen on `path` (absolute) and hand every accepted connection to `onConnection`. */
export async function listenUnixSocket(path: string, onConnection: (socket: Socket) => void): Promise<UnixSocketListener> {
  const problem = unixSocketPathProblem(path);
  if (problem) throw new EngineError('E_LISTENER_SOCKET_PATH_TOO_LONG', `${problem} (choose a shorter unix_socket path)`);
  mkdirSync(dirname(path), { recursive: true, mode: 0o700 });
  const server = createServer({ pauseOnConnect: false }, onConnection);
  try {
    await bind(server, path);
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code !== 'EADDRINUSE') throw err;
    await removeIfStale(path);
    await bind(server, path);
  }
  chmodSync(path, 0o600);
  // Closing the server unlinks the file (libuv does, synchronously inside close()).
  return { path, close: () => new Promise<void>((resolve) => server.close(() => resolve())) };
}

function bind(server: Server, path: string): Promise<void> {
  return new Promise((resolve, reject) => {
    server.once('error', reject);
    // The bind happens inside listen(), synchronously: the umask covers exactly the socket file's creation.
    const restore = tightUmask();
    try {
      server.listen(path, () => {
        server.off('error', reject);
        resolve();
      });
    } finally {
      restore();
    }
  });
}

/** umask 0177 (file mode 0600) for the bind; worker threads cannot change it, and the chmod after still applies. */
function tightUmask(): () => void {
  try {
    const previous = process.umask(0o177);
    return () => process.umask(previous);
  } catch {
    return () => {};
  }
}

/** The path exists: remove it only when it is a socket nothing answers on. */
async function removeIfStale(path: string): Promise<void> {
  let st: Stats;
  try {
    st = lstatSync(path);
  } catch {
    return; // gone in the meantime: the second bind will tell
  }
  if (!st.isSocket())
    throw new EngineError(
      'E_LISTENER_SOCKET_IN_USE',
      `${path} exists and is not a socket; not removing it (choose another unix_socket path)`,
    );
  const answer = await knock(path);
  if (answer === 'refused') {
    rmSync(path, { force: true });
    return;
  }
  throw new EngineError(
    'E_LISTENER_SOCKET_IN_USE',
    answer === 'answered'
      ? `another engine is using the socket ${path} (stop it, or choose another unix_socket path)`
      : `the socket ${path} exists and cannot be checked (${answer}); not removing it`,
  );
}

/** Try to connect: `answered` (a live listener), `refused` (a stale file), or the errno that stopped us. */
function knock(path: string): Promise<string> {
  return new Promise((resolve) => {
    const s = createConnection(path);
    s.once('connect', () => {
      s.destroy();
      resolve('answered');
    });
    s.once('error', (err: NodeJS.ErrnoException) =>
      resolve(err.code === 'ECONNREFUSED' || err.code === 'ENOENT' ? 'refused' : (err.code ?? err.message)),
    );
  });
}
