/**
 * Linkly ch. 6 through the real processes (`iii` + the four workers, started as for the e2e tests):
 * how fast `bulk-importer::import_csv` turns a CSV streamed through a channel into links, beside a
 * baseline from the same run: a client calling `link::create` itself with no channel and no CSV, 16 calls
 * in flight like the importer (so the ratio is the cost of streaming and parsing), and also one at a
 * time (the tutorial importer's loop).
 * The two sides alternate for `--rounds` rounds and each reports its median round.
 *
 *   node --import tsx bench/bulk-import.ts [--rows 5000] [--rounds 3]
 */
import type { IIIClient } from 'iii-sdk';
import { createChannel } from 'iii-sdk/helpers';
import { connect, startLinkly } from '../test/e2e/linkly-harness.ts';
import { uniqueName } from '../test/helpers/names.ts';

function arg(name: string, fallback: number): number {
  const i = process.argv.indexOf(`--${name}`);
  return i > 0 ? Number(process.argv[i + 1]) : fallback;
}
const ROWS = arg('rows', 5_000);
const ROUNDS = arg('rounds', 3);

function rows(prefix: string): { code: string; url: string }[] {
  return Array.from({ length: ROWS }, (_, i) => ({ code: `${prefix}-${i}`, url: `https://example.com/${prefix}/${i}` }));
}

/** Rows per second through the channel and the importer. */
async function viaImporter(worker: IIIClient): Promise<number> {
  const csv = `code,url\n${rows(uniqueName('imp'))
    .map((r) => `${r.code},${r.url}`)
    .join('\n')}\n`;
  const start = performance.now();
  const channel = await createChannel(worker);
  channel.writer.stream.end(Buffer.from(csv));
  const result = (await worker.trigger({
    function_id: 'bulk-importer::import_csv',
    payload: { reader: channel.readerRef },
    timeoutMs: 600_000,
  })) as { imported: number };
  const elapsed = performance.now() - start;
  if (result.imported !== ROWS) throw new Error(`imported ${result.imported} of ${ROWS}`);
  return (ROWS / elapsed) * 1000;
}

/** Rows per second with the client calling link::create itself, `inFlight` calls at a time. */
async function viaCreate(worker: IIIClient, inFlight: number): Promise<number> {
  const all = rows(uniqueName('dir'));
  let next = 0;
  const lane = async () => {
    while (next < all.length) await worker.trigger({ function_id: 'link::create', payload: all[next++] });
  };
  const start = performance.now();
  await Promise.all(Array.from({ length: inFlight }, lane));
  return (ROWS / (performance.now() - start)) * 1000;
}

const median = (xs: number[]): number => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)] ?? Number.NaN;

const app = await startLinkly();
const worker = connect(app);
try {
  const importer: number[] = [];
  const parallel: number[] = [];
  const sequential: number[] = [];
  for (let round = 0; round < ROUNDS; round++) {
    importer.push(await viaImporter(worker));
    parallel.push(await viaCreate(worker, 16));
    sequential.push(await viaCreate(worker, 1));
  }
  const a = median(importer);
  const b = median(parallel);
  const c = median(sequential);
  console.log(`\nbulk import of ${ROWS} rows, median of ${ROUNDS} rounds (rows/s)`);
  console.log(`  channel + bulk-importer::import_csv        ${a.toFixed(0)}`);
  console.log(`  baseline: client → link::create, 16 at once ${b.toFixed(0)}   ratio ${(a / b).toFixed(2)}×`);
  console.log(`  baseline: client → link::create, 1 at a time ${c.toFixed(0)}   ratio ${(a / c).toFixed(2)}×`);
} finally {
  await worker.shutdown();
  await app.stop();
  app.remove();
}
