/** Reading V8 CPU profiles (.cpuprofile) written by bench/lib/cpu-profile-preload.mjs: self time by area and by function. */
import { existsSync, readFileSync } from 'node:fs';
import { SourceMap } from 'node:module';
import { fileURLToPath, pathToFileURL } from 'node:url';

export const PRELOAD = new URL('./cpu-profile-preload.mjs', import.meta.url).pathname;

/** Env for a child process whose CPU profile is toggled by SIGUSR2 (first: start, second: write to `dir`). */
export function profiledEnv(dir: string): Record<string, string> {
  return { NODE_OPTIONS: `${process.env.NODE_OPTIONS ?? ''} --import ${PRELOAD}`.trim(), TRIAD_CPU_PROFILE_DIR: dir };
}

interface Node {
  id: number;
  callFrame: { functionName: string; url: string; lineNumber: number; columnNumber: number };
  hitCount?: number;
  children?: number[];
}
export interface Profile {
  nodes: Node[];
  samples: number[];
  timeDeltas: number[];
  startTime: number;
  endTime: number;
}

/** The area a frame belongs to: an engine/CLI folder, a package, a node internal module, or a V8 pseudo-frame. */
function area(url: string, fn: string): string {
  if (!url) return fn.startsWith('(') ? fn : `(native) ${fn}`;
  const pkgSrc = /packages\/([^/]+)\/src\/(?:modules\/)?([^/]+)/.exec(url);
  if (pkgSrc) return `${pkgSrc[1]}/${pkgSrc[2]?.replace(/\.ts$/, '')}`;
  const mod = /node_modules\/((?:@[^/]+\/)?[^/]+)/.exec(url);
  if (mod) return `pkg ${mod[1]}`;
  if (url.startsWith('node:')) return url.split('/')[0] as string;
  const linkly = /linkly\/([^/]+)\/src/.exec(url);
  if (linkly) return `linkly/${linkly[1]}`;
  return url.replace(/^file:\/\//, '').slice(-40);
}

/** Ids of the nodes under a frame of the profiling preload itself. */
function ownFrames(p: Profile): Set<number> {
  const own = new Set<number>();
  const byId = new Map(p.nodes.map((n) => [n.id, n]));
  const mark = (id: number): void => {
    own.add(id);
    for (const c of byId.get(id)?.children ?? []) mark(c);
  };
  for (const n of p.nodes) if (n.callFrame.url.includes('cpu-profile-preload') && !own.has(n.id)) mark(n.id);
  return own;
}

export function summarise(p: Profile, top: number): string[] {
  const byId = new Map(p.nodes.map((n) => [n.id, n]));
  const selfUs = new Map<number, number>();
  for (let i = 0; i < p.samples.length; i++) {
    const id = p.samples[i] as number;
    selfUs.set(id, (selfUs.get(id) ?? 0) + (p.timeDeltas[i] ?? 0));
  }
  // The profiler's own stop (the preload's `Profiler.stop` call, serialising the profile) lands in the window:
  // 10–20 % of it as a native `dispatch`. It is not the process's work, so it is left out.
  for (const id of ownFrames(p)) selfUs.delete(id);
  const total = [...selfUs.values()].reduce((a, b) => a + b, 0);
  const idle = [...selfUs].filter(([id]) => byId.get(id)?.callFrame.functionName === '(idle)').reduce((a, [, us]) => a + us, 0);
  const busy = total - idle;
  const areas = new Map<string, number>();
  const fns = new Map<string, number>();
  for (const [id, us] of selfUs) {
    const f = byId.get(id)?.callFrame;
    if (!f || f.functionName === '(idle)') continue;
    const a = area(f.url, f.functionName);
    areas.set(a, (areas.get(a) ?? 0) + us);
    const key = `${f.functionName || '(anonymous)'} ${f.url.replace(/^.*\/(packages|node_modules|linkly)\//, '$1/')}:${f.lineNumber + 1}`;
    fns.set(key, (fns.get(key) ?? 0) + us);
  }
  const pct = (us: number): string => `${((us / busy) * 100).toFixed(1).padStart(5)}%`;
  const rows = (m: Map<string, number>): string[] =>
    [...m]
      .sort((a, b) => b[1] - a[1])
      .slice(0, top)
      .map(([k, us]) => `    ${pct(us)}  ${k}`);
  return [
    `  busy ${(busy / 1000).toFixed(0)} ms of ${(total / 1000).toFixed(0)} ms sampled`,
    '  by area (self time, % of busy):',
    ...rows(areas),
    '  hottest functions:',
    ...rows(fns),
  ];
}

/** A profile with frames of bundled code (the `iii` bundle, packages/cli/bin/bundle.js) mapped back to the .ts sources. */
export function readProfile(file: string): Profile {
  const p = JSON.parse(readFileSync(file, 'utf8')) as Profile;
  const maps = new Map<string, SourceMap | undefined>();
  for (const n of p.nodes) {
    const f = n.callFrame;
    if (!f.url.startsWith('file://') || !f.url.endsWith('.js')) continue;
    if (!maps.has(f.url)) maps.set(f.url, sourceMapOf(fileURLToPath(f.url)));
    const entry = maps.get(f.url)?.findEntry(f.lineNumber, f.columnNumber);
    if (!entry || !('originalSource' in entry)) continue;
    f.url = entry.originalSource.startsWith('file:') ? entry.originalSource : pathToFileURL(entry.originalSource).href;
    f.lineNumber = entry.originalLine;
  }
  return p;
}

function sourceMapOf(js: string): SourceMap | undefined {
  const map = `${js}.map`;
  if (!existsSync(map)) return undefined;
  const payload = JSON.parse(readFileSync(map, 'utf8'));
  // Sources are relative to the map's folder.
  payload.sources = payload.sources.map((s: string) => new URL(s, pathToFileURL(map)).href);
  return new SourceMap(payload);
}
