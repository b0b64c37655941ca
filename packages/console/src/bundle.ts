/**
 * The UI bundle: `ui/main.tsx` (Preact, strict TypeScript) bundled and minified by esbuild in memory,
 * once per process, when the first console server starts. Nothing is built ahead of time and nothing
 * built is committed or written to disk, so a fresh clone (`npm install && npm start`) serves the UI
 * of the source it has, and there is no dev server: the engine process serves the one script.
 */
import { createHash } from 'node:crypto';
import { fileURLToPath } from 'node:url';
import { gzipSync } from 'node:zlib';
import { build } from 'esbuild';

export interface UiBundle {
  js: string;
  /** The same, gzipped once, for browsers that accept it (every one does). */
  gzip: Buffer;
  /** Content hash, sent as the ETag. */
  etag: string;
  /** How long esbuild took, for the startup log line. */
  ms: number;
}

let pending: Promise<UiBundle> | undefined;

async function bundle(): Promise<UiBundle> {
  const started = performance.now();
  const out = await build({
    entryPoints: [fileURLToPath(new URL('./ui/main.tsx', import.meta.url))],
    bundle: true,
    format: 'esm',
    minify: true,
    write: false,
    jsx: 'automatic',
    jsxImportSource: 'preact',
    target: 'es2022',
    legalComments: 'none',
    logLevel: 'silent',
  });
  const js = out.outputFiles[0]?.text ?? '';
  const etag = `"${createHash('sha1').update(js).digest('base64url')}"`;
  return { js, gzip: gzipSync(js, { level: 9 }), etag, ms: Math.round(performance.now() - started) };
}

/** The bundle, built on first use and shared by every console server in this process. */
export function uiBundle(): Promise<UiBundle> {
  pending ??= bundle().catch((err: unknown) => {
    pending = undefined;
    throw err;
  });
  return pending;
}
