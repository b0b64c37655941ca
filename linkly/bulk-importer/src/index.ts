/**
 * The `bulk-importer` worker (tutorial ch. 6): imports a CSV of links streamed through a channel.
 * Wiring only; logic in handlers.ts. `src/upload.ts` is the client that sends a file.
 */
import { Logger } from '@iii-dev/helpers/observability';
import { registerWorker } from 'iii-sdk';
import { createHandlers } from './handlers.ts';

const worker = registerWorker(process.env.III_URL ?? 'ws://localhost:49134', {
  workerName: 'bulk-importer',
});
const logger = new Logger();
const importer = createHandlers({
  createLink: (row) => worker.trigger({ function_id: 'link::create', payload: row }),
});

worker.registerFunction(
  'bulk-importer::import_csv',
  async (input) => {
    const result = await importer.importCsv(input);
    logger.info('CSV imported', { imported: result.imported, failed: result.failed_count });
    return result;
  },
  { description: 'Create a link per code,url row of a CSV read from a channel ({reader: channel.readerRef})' },
);

logger.info('bulk-importer ready');
