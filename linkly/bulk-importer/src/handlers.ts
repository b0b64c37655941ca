/**
 * The bulk importer's logic (tutorial ch. 6): read a CSV of `code,url` rows from a channel and create one
 * link per row through `link::create`. Unlike the tutorial, a row that link::create refuses (bad URL, code
 * taken) is reported in `failed` and the import goes on. `createHandlers(deps)` runs without the engine.
 */
import { type CsvRecord, csvRecords } from './csv.ts';

export interface ImportFailure {
  /** Line of the CSV file (1 = the header). */
  line: number;
  code: string;
  error: string;
}

export interface ImportResult {
  imported: number;
  /** The first MAX_REPORTED_FAILURES refused rows, in file order. */
  failed: ImportFailure[];
  /** Every refused row, including those past the cap of `failed`. */
  failed_count: number;
}

export interface ImporterDeps {
  /** link::create {url, code?}: resolves with the link, rejects when the row is refused. */
  createLink(row: { url: string; code?: string }): Promise<unknown>;
}

/** Keeps the reply (and the importer's memory) bounded for a file full of bad rows. */
export const MAX_REPORTED_FAILURES = 1000;

export class ImportError extends Error {
  constructor(
    readonly code: string,
    message: string,
  ) {
    super(`[${code}] ${message}`);
  }
}

/** The channel reader the SDK builds from `{reader: channel.readerRef}`: anything async-iterable. */
export function readerChunks(input: unknown): AsyncIterable<Buffer | string> {
  const reader = typeof input === 'object' && input !== null ? (input as Record<string, unknown>).reader : undefined;
  const stream = typeof reader === 'object' && reader !== null ? (reader as Record<string, unknown>).stream : undefined;
  if (typeof stream !== 'object' || stream === null || !(Symbol.asyncIterator in stream)) {
    throw new ImportError('E_BULK_NO_READER', 'expected {reader: channel.readerRef}');
  }
  return stream as AsyncIterable<Buffer | string>;
}

/** Column positions from the header; a header that does not name them means the tutorial's `code,url`. */
export function columns(header: string[]): { code: number; url: number } {
  const names = header.map((h) => h.trim().toLowerCase());
  const code = names.indexOf('code');
  const url = names.indexOf('url');
  return code >= 0 && url >= 0 ? { code, url } : { code: 0, url: 1 };
}

/** The refusal as link::create worded it: `[E_LINK_…] …`, without the wire's `invocation_failed: ` prefix. */
export function refusal(err: unknown): string {
  const message = err instanceof Error ? err.message : String(err);
  return /\[E_[A-Z0-9_]+\] .*$/s.exec(message)?.[0] ?? message;
}

/** Create a link per record after the header, one at a time (file order decides who gets a duplicate code). */
export async function importRecords(records: AsyncIterable<CsvRecord>, deps: ImporterDeps): Promise<ImportResult> {
  const result: ImportResult = { imported: 0, failed: [], failed_count: 0 };
  let cols: { code: number; url: number } | undefined;
  for await (const record of records) {
    if (!cols) {
      cols = columns(record.fields);
      continue;
    }
    const code = (record.fields[cols.code] ?? '').trim();
    const url = (record.fields[cols.url] ?? '').trim();
    try {
      // An empty code lets link::create pick a random one, as POST /links does.
      await deps.createLink(code ? { url, code } : { url });
      result.imported++;
    } catch (err) {
      result.failed_count++;
      if (result.failed.length < MAX_REPORTED_FAILURES) result.failed.push({ line: record.line, code, error: refusal(err) });
    }
  }
  return result;
}

export function createHandlers(deps: ImporterDeps) {
  return {
    /** bulk-importer::import_csv {reader} → {imported, failed, failed_count} */
    async importCsv(input: unknown): Promise<ImportResult> {
      return importRecords(csvRecords(readerChunks(input)), deps);
    },
  };
}
