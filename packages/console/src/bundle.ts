/**
 * The UI bundle: `ui/main.tsx` (Preact, strict TypeScript) bundled and minified by esbuild in memory,
 * once per process, when the first console server starts. Nothing is built ahead of time and nothing
 * built is committed or written to disk, so a fresh clone (`npm install && npm start`) serves the UI
 * of the source it has, and there is no dev server: the engine process serves the one script.
 */
import { createHash } from 'node:crypto';
import { basename } from 'node:path';
import { fileURLToPath } from 'node:url';
import { gzipSync } from 'node:zlib';
import { build } from 'esbuild';

export interface UiAsset {
  js: string;
  /** The same, gzipped once, for browsers that accept it (every one does). */
  gzip: Buffer;
  /** Content hash, sent as the ETag. */
  etag: string;
}

export interface UiBundle {
  /** By file name under /assets/: `app.js` (the entry) and the chunks pages load on demand. */
  assets: ReadonlyMap<string, UiAsset>;
  /** How long esbuild took, for the startup log line. */
  ms: number;
}

let pending: Promise<UiBundle> | undefined;

function asset(js: string): UiAsset {
  return { js, gzip: gzipSync(js, { level: 9 }), etag: `"${createHash('sha1').update(js).digest('base64url')}"` };
}

async function bundle(): Promise<UiBundle> {
  const started = performance.now();
  const out = await build({
    entryPoints: { app: fileURLToPath(new URL('./ui/main.tsx', import.meta.url)) },
    bundle: true,
    // Code only one page needs (the YAML parser of the Configuration page) is a chunk loaded on demand.
    splitting: true,
    outdir: '/assets',
    chunkNames: 'chunk-[hash]',
    format: 'esm',
    minify: true,
    write: false,
    jsx: 'automatic',
    jsxImportSource: 'preact',
    target: 'es2022',
    legalComments: 'none',
    logLevel: 'silent',
  });
  const assets = new Map(out.outputFiles.map((f) => [basename(f.path), asset(f.text)]));
  return { assets, ms: Math.round(performance.now() - started) };
}

/** The bundle, built on first use and shared by every console server in this process. */
export function uiBundle(): Promise<UiBundle> {
  pending ??= bundle().catch((err: unknown) => {
    pending = undefined;
    throw err;
  });
  return pending;
}
