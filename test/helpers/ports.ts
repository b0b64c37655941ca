import { createServer } from 'node:net';

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
