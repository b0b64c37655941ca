// Preload (`NODE_OPTIONS="--expose-gc --import <this file>"`) for bench/idle.ts: on SIGUSR2 the process runs
// a full GC and writes process.memoryUsage() to `<TRIAD_HEAP_DIR>/<pid>.heap.json`. Signal-driven, so an
// idle process is not woken by the measurement itself between samples.
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';

const dir = process.env.TRIAD_HEAP_DIR;
if (dir) {
  process.on('SIGUSR2', () => {
    globalThis.gc?.();
    writeFileSync(join(dir, `${process.pid}.heap.json`), JSON.stringify({ at: Date.now(), ...process.memoryUsage() }));
  });
}
