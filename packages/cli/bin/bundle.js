// The CLI and the engine as compiled JavaScript: `src/main.ts` and everything it imports from the workspace
// (@triad/engine, @triad/console) bundled by esbuild on the first start after a source changed, and cached
// in node_modules/.cache/triad-iii/. Why: under tsx every function and closure creation also runs a
// `__name(fn, "…")` defineProperty (esbuild's keepNames), and the engine creates closures per call on its
// hot paths; the bundle has no keepNames and cost 0.89× the engine CPU per Linkly redirect (bench/engine-ab).
// Source maps point stack traces back at the .ts files. npm packages stay external (loaded from node_modules).
//
// A cached build is reused while every input file has the mtime and size it had when it was built, so an
// edit is picked up by the next start (a rebuild takes about a second). TRIAD_NO_BUNDLE=1 runs the sources
// through tsx instead; so does any failure here.
import { createHash } from 'node:crypto';
import { existsSync, readdirSync, readFileSync, renameSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';

const ROOT = fileURLToPath(new URL('../../..', import.meta.url));
const ENTRY = fileURLToPath(new URL('../src/main.ts', import.meta.url));
/** Bumped when the build options below change, so older cached builds are not reused. */
const FORMAT = 1;
/** Builds no manifest points at any more are removed once this old (a running process may still load their chunks). */
const STALE_MS = 24 * 3600_000;

/** The file URL of the bundled entry, built if needed; undefined when the sources should run through tsx. */
export async function bundledEntry() {
  if (process.env.TRIAD_NO_BUNDLE === '1') return undefined;
  try {
    const dir = cacheDir();
    return pathToFileURL(join(dir, current(dir) ?? (await build(dir)), 'main.js')).href;
  } catch {
    return undefined;
  }
}

/** One cache folder per checkout (a bench's second checkout of this repo shares our node_modules). */
function cacheDir() {
  const key = createHash('sha1').update(ROOT).digest('hex').slice(0, 12);
  return join(ROOT, 'node_modules', '.cache', 'triad-iii', key);
}

/** The build the manifest points at, if its inputs are unchanged. */
function current(dir) {
  let manifest;
  try {
    manifest = JSON.parse(readFileSync(join(dir, 'manifest.json'), 'utf8'));
  } catch {
    return undefined;
  }
  if (manifest.format !== FORMAT || manifest.node !== process.version) return undefined;
  for (const [file, stamp] of Object.entries(manifest.inputs)) {
    try {
      if (stampOf(file) !== stamp) return undefined;
    } catch {
      return undefined;
    }
  }
  return manifest.build;
}

function stampOf(file) {
  const st = statSync(file);
  return `${st.mtimeMs}:${st.size}`;
}

async function build(dir) {
  const esbuild = await import('esbuild');
  const id = `${Date.now().toString(36)}-${process.pid}`;
  const outdir = join(dir, id);
  const result = await esbuild.build({
    entryPoints: { main: ENTRY },
    absWorkingDir: ROOT,
    bundle: true,
    // The commands' lazy imports stay lazy: `iii trigger` does not load the engine.
    splitting: true,
    outdir,
    chunkNames: 'chunk-[hash]',
    platform: 'node',
    format: 'esm',
    target: 'node20',
    sourcemap: 'linked',
    sourcesContent: false,
    metafile: true,
    logLevel: 'silent',
    // CommonJS dependencies bundled into ESM call `require`.
    banner: { js: "import { createRequire as __triadRequire } from 'node:module'; const require = __triadRequire(import.meta.url);" },
    plugins: [workspaceOnly],
  });
  const inputs = {};
  for (const file of Object.keys(result.metafile.inputs)) {
    const abs = join(ROOT, file);
    inputs[abs] = stampOf(abs);
  }
  const manifest = { format: FORMAT, node: process.version, root: ROOT, build: id, inputs };
  // Written under a temporary name and renamed: a concurrent start reads the old manifest or the new one.
  const tmp = join(dir, `manifest.${id}.json`);
  writeFileSync(tmp, JSON.stringify(manifest));
  renameSync(tmp, join(dir, 'manifest.json'));
  prune(dir, id);
  pruneCheckouts(dir);
  return id;
}

/**
 * npm packages are left to Node (native addons, packages that read their own files); the workspace's
 * TypeScript is bundled, each file keeping its own `import.meta.url` (the SQLite thread and the console
 * find files next to their source).
 */
const workspaceOnly = {
  name: 'triad-workspace-only',
  setup(b) {
    b.onResolve({ filter: /^[^./]/ }, (args) => (args.path.startsWith('@triad/') ? undefined : { path: args.path, external: true }));
    b.onLoad({ filter: /\.tsx?$/ }, async (args) => {
      const source = await readFile(args.path, 'utf8');
      if (!source.includes('import.meta.url')) return undefined;
      return {
        contents: source.replaceAll('import.meta.url', JSON.stringify(pathToFileURL(args.path).href)),
        loader: args.path.endsWith('.tsx') ? 'tsx' : 'ts',
      };
    });
  },
};

function prune(dir, keep) {
  for (const name of readdirSync(dir)) {
    if (name === keep || name.endsWith('.json')) continue;
    const path = join(dir, name);
    try {
      if (Date.now() - statSync(path).mtimeMs > STALE_MS) rmSync(path, { recursive: true, force: true });
    } catch {
      // Removed by a concurrent start.
    }
  }
}

/** Caches of checkouts that no longer exist (a bench's temporary second checkout) are removed. */
function pruneCheckouts(dir) {
  const parent = join(dir, '..');
  for (const key of readdirSync(parent)) {
    const other = join(parent, key);
    if (other === dir) continue;
    try {
      const manifest = join(other, 'manifest.json');
      const { root } = JSON.parse(readFileSync(manifest, 'utf8'));
      const gone = typeof root === 'string' ? !existsSync(root) : Date.now() - statSync(manifest).mtimeMs > STALE_MS;
      if (gone) rmSync(other, { recursive: true, force: true });
    } catch {
      // No manifest yet (being built), or removed concurrently.
    }
  }
}
