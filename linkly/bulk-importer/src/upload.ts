/**
 * The client of tutorial ch. 6: streams a CSV file to `bulk-importer::import_csv` through a channel and
 * prints the result as JSON. Usage: `npx tsx src/upload.ts links.csv` (engine: $III_URL, default
 * ws://localhost:49134). Exits 1 when the import fails or some rows were refused.
 */
import { createReadStream } from 'node:fs';
import { pipeline } from 'node:stream/promises';
import { registerWorker } from 'iii-sdk';
import { createChannel } from 'iii-sdk/helpers';

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

try {
  const channel = await createChannel(worker);
  // Write and trigger together: a file bigger than the channel buffer only drains once the importer reads.
  const sent = pipeline(createReadStream(file), channel.writer.stream);
  const result = (await worker.trigger({
    function_id: 'bulk-importer::import_csv',
    payload: { reader: channel.readerRef },
    timeoutMs: 600_000,
  })) as { failed_count?: number };
  await sent;
  console.log(JSON.stringify(result, null, 2));
  if (result.failed_count) process.exitCode = 1;
} catch (err) {
  console.error(err instanceof Error ? err.message : String(err));
  process.exitCode = 1;
} finally {
  await worker.shutdown();
}
