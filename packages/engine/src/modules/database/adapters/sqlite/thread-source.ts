/**
 * What a SQLite worker thread runs. Worker threads on Node 20 inherit no TypeScript loader (neither
 * `--import tsx` nor the CLI's tsx `register()`), so `thread.ts` and its imports are bundled once per
 * process with esbuild (tsx's own compiler) into one CommonJS script, started with `eval: true`. A thread
 * then starts about as fast as a plain worker (~5× less CPU than loading tsx in every thread).
 * better-sqlite3 stays external, required by its absolute path so the script needs no module resolution.
 *
 * Without esbuild the thread falls back to `thread-entry.js`, which loads the TypeScript through tsx.
 */
import { createRequire } from 'node:module';
import { fileURLToPath } from 'node:url';

export type ThreadSource = { eval: string } | { file: URL };

/** The tsx-loaded entry (no bundle). */
export const FALLBACK: ThreadSource = { file: new URL('./thread-entry.js', import.meta.url) };
let ready: ThreadSource | undefined;
let loading: Promise<ThreadSource> | undefined;

/** The source once loaded; undefined until `loadThreadSource()` has finished. */
export function threadSource(): ThreadSource | undefined {
  return ready;
}

export function loadThreadSource(): Promise<ThreadSource> {
  loading ??= bundle()
    .catch(() => FALLBACK)
    .then((s) => {
      ready = s;
      return s;
    });
  return loading;
}

async function bundle(): Promise<ThreadSource> {
  const esbuild = await import('esbuild');
  const sqlite = createRequire(import.meta.url).resolve('better-sqlite3');
  const out = await esbuild.build({
    entryPoints: [fileURLToPath(new URL('./thread.ts', import.meta.url))],
    bundle: true,
    platform: 'node',
    format: 'cjs',
    target: 'node20',
    write: false,
    logLevel: 'silent',
    plugins: [
      {
        name: 'better-sqlite3-by-path',
        setup(build) {
          build.onResolve({ filter: /^better-sqlite3$/ }, () => ({ path: sqlite, external: true }));
        },
      },
    ],
  });
  const code = out.outputFiles[0]?.text;
  if (!code) throw new Error('esbuild produced no thread bundle');
  return { eval: code };
}
