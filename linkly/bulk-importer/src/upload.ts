/**
 * The client of tutorial ch. 6: streams a CSV file to `bulk-importer::import_csv` through a channel and
 * prints the result as JSON. Usage: `npx tsx src/upload.ts links.csv` (engine: $III_URL, default
 * ws://localhost:49134). Exits 1 when the import fails or some rows were refused.
 *
 * While it runs, progress goes to stderr (rows sent, imported, refused, rate): one live line on a terminal,
 * a plain line a second otherwise. The counts come back from the importer on a second channel.
 */
import { createReadStream } from 'node:fs';
import { Transform } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { registerWorker } from 'iii-sdk';
import { createChannel } from 'iii-sdk/helpers';
import { type Counts, progressLine } from './progress-line.ts';

const file = process.argv[2];
if (!file) {
  console.error('usage: tsx src/upload.ts <file.csv>');
  process.exit(2);
}

const worker = registerWorker(process.env.III_URL ?? 'ws://localhost:49134', {
  workerName: 'bulk-upload',
  otel: { enabled: false },
  enableMetricsReporting: false,
});

const counts: Counts = { sent: 0, imported: 0, refused: 0 };
const line = progressLine(process.stderr);
const started = Date.now();
let finished = false;
const show = (): void => {
  if (!finished) line.update(counts, Date.now() - started);
};
const finish = (): void => {
  if (!finished) line.done(counts, Date.now() - started);
  finished = true;
};

/** Counts the line ends that go by, minus the header's: the rows sent so far. */
let lineEnds = 0;
const countRows = new Transform({
  transform(chunk: Buffer, _enc, done) {
    for (const byte of chunk) if (byte === 0x0a) lineEnds++;
    counts.sent = Math.max(0, lineEnds - 1);
    done(null, chunk);
  },
});
/** Rows the importer has read: exact (blank lines and a last line without a newline counted right). */
let rowsRead = 0;

try {
  const channel = await createChannel(worker);
  const progress = await createChannel(worker);
  progress.reader.onMessage((text) => {
    const p = JSON.parse(text) as { rows?: unknown; imported?: unknown; refused?: unknown };
    if (typeof p.rows === 'number') rowsRead = p.rows;
    if (typeof p.imported === 'number') counts.imported = p.imported;
    if (typeof p.refused === 'number') counts.refused = p.refused;
    show();
  });
  // Connects the progress reader; it ends when the importer closes the channel.
  void progress.reader.readAll().catch(() => undefined);
  show();
  const ticker = setInterval(show, 250);
  // Write and trigger together: a file bigger than the channel buffer only drains once the importer reads.
  const sent = pipeline(createReadStream(file), countRows, channel.writer.stream);
  try {
    const result = (await worker.trigger({
      function_id: 'bulk-importer::import_csv',
      payload: { reader: channel.readerRef, progress: progress.writerRef },
      timeoutMs: 600_000,
    })) as { imported?: number; failed_count?: number };
    await sent;
    counts.sent = Math.max(counts.sent, rowsRead, (result.imported ?? 0) + (result.failed_count ?? 0));
    counts.imported = result.imported ?? counts.imported;
    counts.refused = result.failed_count ?? counts.refused;
    finish();
    console.log(JSON.stringify(result, null, 2));
    if (result.failed_count) process.exitCode = 1;
  } finally {
    clearInterval(ticker);
  }
} catch (err) {
  finish();
  console.error(err instanceof Error ? err.message : String(err));
  process.exitCode = 1;
} finally {
  await worker.shutdown();
}
