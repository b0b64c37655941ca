/**
 * Group commit on the SQLite writer thread (packages/engine/src/modules/database/adapters/sqlite/group.ts):
 * independent INSERTs (the click row's shape) with N in flight through the writer lane, grouped vs one
 * transaction each (the baseline: the lane as it was), alternating rounds in one run, on a real file in
 * WAL mode with SQLite's default `synchronous = FULL` (one WAL fsync per COMMIT).
 *
 *   node --import tsx bench/sqlite-group.ts [--writes 2000] [--rounds 3] [--in-flight 5,64]
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { SqliteLane as Lane } from '@triad/engine/internal';
import { loadLine } from './lib/wrk.ts';

function arg(name: string, fallback: string): string {
  const i = process.argv.indexOf(`--${name}`);
  return i > 0 ? (process.argv[i + 1] as string) : fallback;
}
const WRITES = Number(arg('writes', '2000'));
const ROUNDS = Number(arg('rounds', '3'));
const IN_FLIGHT = arg('in-flight', '5,64').split(',').map(Number);
const INSERT = 'INSERT INTO clicks (code, clicked_at, click_id) VALUES (?, ?, ?)';

/** Writes per second with `inFlight` callers each awaiting its ack before the next write. */
async function run(group: boolean, inFlight: number): Promise<number> {
  const dir = mkdtempSync(join(tmpdir(), 'triad-bench-group-'));
  const lane = new Lane({
    spec: { db: 'b', file: join(dir, 'b.db'), busyTimeoutMs: 5000, reader: false },
    max: 1,
    acquireTimeoutMs: 60_000,
    group,
  });
  try {
    await lane.submit(
      {
        op: 'execute',
        sql: 'CREATE TABLE clicks (id INTEGER PRIMARY KEY, code TEXT, clicked_at TEXT, click_id TEXT)',
        params: [],
      },
      undefined,
    );
    let next = 0;
    const t0 = performance.now();
    await Promise.all(
      Array.from({ length: inFlight }, async () => {
        while (next < WRITES) {
          const i = next++;
          const reply = await lane.submit({ op: 'execute', sql: INSERT, params: ['bench', new Date().toISOString(), `c${i}`] }, 5000);
          if (!('ok' in reply) || !reply.ok) throw new Error(`write failed: ${JSON.stringify(reply)}`);
        }
      }),
    );
    return WRITES / ((performance.now() - t0) / 1000);
  } finally {
    await lane.close();
    rmSync(dir, { recursive: true, force: true });
  }
}

const median = (xs: number[]): number => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)] ?? Number.NaN;

console.log(`sqlite-group: ${WRITES} INSERTs per round, ${ROUNDS} rounds per side, alternating\n${loadLine()}`);
for (const n of IN_FLIGHT) {
  const one: number[] = [];
  const grouped: number[] = [];
  for (let r = 0; r < ROUNDS; r++) {
    for (const g of r % 2 === 0 ? [false, true] : [true, false]) (g ? grouped : one).push(await run(g, n));
  }
  const [b, a] = [median(one), median(grouped)];
  console.log(
    `  ${String(n).padStart(3)} in flight: grouped ${a.toFixed(0)} writes/s vs one transaction each ${b.toFixed(0)} writes/s: ${(a / b).toFixed(2)}×`,
  );
}
console.log(loadLine());
