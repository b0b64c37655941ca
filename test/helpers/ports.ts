import { createConnection, createServer } from 'node:net';

/**
 * A port that was free a moment ago (bound to 0 on 127.0.0.1, then released). Only for code that must be
 * told a port up front (a child process, a rebind); everything else binds to port 0 itself.
 */
export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const srv = createServer();
    srv.once('error', reject);
    srv.listen(0, '127.0.0.1', () => {
      const addr = srv.address();
      const port = typeof addr === 'object' && addr ? addr.port : 0;
      srv.close(() => resolve(port));
    });
  });
}

/** Whether something accepts connections right now on 127.0.0.1:<port>, or on a Unix socket path. */
export function accepts(target: number | string): Promise<boolean> {
  return new Promise((resolve) => {
    const socket = typeof target === 'number' ? createConnection(target, '127.0.0.1') : createConnection(target);
    socket.once('connect', () => {
      socket.destroy();
      resolve(true);
    });
    socket.once('error', () => resolve(false));
  });
}
