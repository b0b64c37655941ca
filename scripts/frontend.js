// The Linkly frontend (chapter 7) for `npm start` and `npm run start:cluster`: build linkly/frontend with Vite
// for the listener a run uses, then serve the build on 127.0.0.1 (5173, or the next free port when it is taken).
// It is Linkly's only frontend: the form, the live counter and the dashboard view (`?view=dashboard`).
import { spawn } from 'node:child_process';
import { createReadStream, existsSync, statSync } from 'node:fs';
import { createServer } from 'node:http';
import { extname, join, normalize } from 'node:path';
import { root } from './linkly-process.js';

const TYPES = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.svg': 'image/svg+xml',
  '.png': 'image/png',
  '.json': 'application/json',
};

/**
 * `vite build` in `<project>/frontend` for the RBAC listener at `browserUrl`; resolves with the output folder
 * (`dist/`, or `dist/<outName>` when one project is built for several engines), rejects with Vite's output.
 */
export function buildFrontend(project, { browserUrl, token, outName }) {
  const cwd = join(project, 'frontend');
  const outDir = outName ? join(cwd, 'dist', outName) : join(cwd, 'dist');
  return new Promise((resolve, reject) => {
    const env = { ...process.env, VITE_LINKLY_BROWSER_URL: browserUrl, ...(token ? { VITE_LINKLY_TOKEN: token } : {}) };
    const args = [join(root, 'node_modules/vite/bin/vite.js'), 'build', '--logLevel', 'warn', '--outDir', outDir, '--emptyOutDir'];
    const vite = spawn(process.execPath, args, { cwd, env });
    let out = '';
    vite.stdout.on('data', (b) => (out += b));
    vite.stderr.on('data', (b) => (out += b));
    vite.on('error', reject);
    vite.on('exit', (code) => (code === 0 ? resolve(outDir) : reject(new Error(`vite build failed (${code}):\n${out}`))));
  });
}

/** Serve `dir` (index.html for unknown paths, as a single-page app); tries `port`, then the next ones. */
export async function serveFrontend(dir, port) {
  const server = createServer((req, res) => {
    const path = normalize(decodeURIComponent(new URL(req.url ?? '/', 'http://x').pathname)).replace(/^(\.\.[/\\])+/, '');
    let file = join(dir, path);
    if (!file.startsWith(dir) || !existsSync(file) || statSync(file).isDirectory()) file = join(dir, 'index.html');
    res.writeHead(200, { 'content-type': TYPES[extname(file)] ?? 'application/octet-stream' });
    createReadStream(file).pipe(res);
  });
  for (let p = port; p < port + 20; p++) {
    const bound = await new Promise((resolve, reject) => {
      server.once('error', (err) => (err.code === 'EADDRINUSE' ? resolve(false) : reject(err)));
      server.listen(p, '127.0.0.1', () => resolve(true));
    });
    if (bound) return { server, url: `http://localhost:${p}` };
  }
  throw new Error(`no free port for the frontend in ${port}-${port + 19}`);
}

/**
 * Build and serve the frontend for one engine (`child`, the `iii` process) until that engine exits; resolves
 * with the page's URL, or null (saying why) when it cannot be built or served: the API runs on without it.
 */
export async function frontendFor(project, child, { browserPort, port, outName }) {
  try {
    const token = process.env.LINKLY_BROWSER_TOKEN;
    const dist = await buildFrontend(project, { browserUrl: `ws://localhost:${browserPort}`, token, outName });
    const { server, url } = await serveFrontend(dist, port);
    const stop = () => {
      server.closeAllConnections();
      server.close();
    };
    if (child.exitCode !== null || child.signalCode !== null) stop();
    else child.once('exit', stop);
    return url;
  } catch (err) {
    console.error(`Linkly: the frontend is not served: ${err instanceof Error ? err.message : err}`);
    return null;
  }
}
