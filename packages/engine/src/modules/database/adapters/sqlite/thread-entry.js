// The fallback entry of a SQLite worker thread, used when esbuild is not there to bundle it (thread-source.ts).
// Worker threads on Node 20 inherit neither the engine's
// `--import tsx` nor tsx's register() (loader hooks stay with the thread that installed them), so the
// thread loads its TypeScript through tsx's tsImport: the same file works from the sources under
// node --import tsx (tests, benches) and under the `iii` CLI / `npm start`.
import { tsImport } from 'tsx/esm/api';

await tsImport('./thread.ts', import.meta.url);
