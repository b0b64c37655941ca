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
  /** The refused rows with the lowest line numbers (at most MAX_REPORTED_FAILURES), in file order. */
  failed: ImportFailure[];
  /** Every refused row, including those past the cap of `failed`. */
  failed_count: number;
}

/** Counts so far, sent on the optional progress channel while an import runs. */
export interface ImportProgress {
  /** Rows read from the CSV (after the header). */
  rows: number;
  imported: number;
  refused: number;
}

/** The write end of a progress channel as the SDK hands it to the handler (`{progress: channel.writerRef}`). */
export interface ProgressWriter {
  sendMessage(text: string): void;
  close(): void;
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

/** The optional `progress` writer of the input; anything else there is refused (a typo should not pass silently). */
export function progressWriter(input: unknown): ProgressWriter | undefined {
  const w = typeof input === 'object' && input !== null ? (input as Record<string, unknown>).progress : undefined;
  if (w === undefined || w === null) return undefined;
  const ok =
    typeof w === 'object' && typeof (w as ProgressWriter).sendMessage === 'function' && typeof (w as ProgressWriter).close === 'function';
  if (!ok) throw new ImportError('E_BULK_BAD_PROGRESS', 'progress must be a channel writer ref ({progress: channel.writerRef})');
  return w as ProgressWriter;
}

/** Reports at most every `everyMs`, plus once at the end: the counts are cheap, the frames are not. */
export function throttled(
  send: (p: ImportProgress) => void,
  everyMs = 200,
): { tick(p: ImportProgress): void; end(p: ImportProgress): void } {
  let last = 0;
  return {
    tick(p) {
      const now = Date.now();
      if (now - last < everyMs) return;
      last = now;
      send(p);
    },
    end: send,
  };
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

/**
 * Create a link per record after the header, up to `concurrency` at a time: each link::create is a round
 * trip through the engine, so one at a time leaves both workers idle most of the time. Rows that share a
 * code still run in file order (the later one waits for the earlier), so the first row wins, as it would
 * sequentially.
 */
export async function importRecords(
  records: AsyncIterable<CsvRecord>,
  deps: ImporterDeps,
  concurrency = 16,
  onProgress?: (p: ImportProgress) => void,
): Promise<ImportResult> {
  const result: ImportResult = { imported: 0, failed: [], failed_count: 0 };
  let rows = 0;
  const report = (): void => onProgress?.({ rows, imported: result.imported, refused: result.failed_count });
  const failures: ImportFailure[] = [];
  const inFlight = new Set<Promise<void>>();
  const lastByCode = new Map<string, Promise<void>>();
  let cols: { code: number; url: number } | undefined;

  const create = async (record: CsvRecord, code: string, url: string, after?: Promise<void>) => {
    await after;
    try {
      // An empty code lets link::create pick a random one, as POST /links does.
      await deps.createLink(code ? { url, code } : { url });
      result.imported++;
    } catch (err) {
      result.failed_count++;
      failures.push({ line: record.line, code, error: refusal(err) });
      // Rows finish out of order: keep the earliest lines, bounded.
      if (failures.length >= 2 * MAX_REPORTED_FAILURES) keepEarliest(failures);
    }
    report();
  };

  for await (const record of records) {
    if (!cols) {
      cols = columns(record.fields);
      continue;
    }
    rows++;
    const code = (record.fields[cols.code] ?? '').trim();
    const url = (record.fields[cols.url] ?? '').trim();
    while (inFlight.size >= concurrency) await Promise.race(inFlight);
    const task: Promise<void> = create(record, code, url, code ? lastByCode.get(code) : undefined).finally(() => {
      inFlight.delete(task);
      if (lastByCode.get(code) === task) lastByCode.delete(code);
    });
    inFlight.add(task);
    if (code) lastByCode.set(code, task);
  }
  await Promise.all(inFlight);
  keepEarliest(failures);
  result.failed = failures;
  return result;
}

function keepEarliest(failures: ImportFailure[]): void {
  failures.sort((a, b) => a.line - b.line);
  failures.length = Math.min(failures.length, MAX_REPORTED_FAILURES);
}

export function createHandlers(deps: ImporterDeps) {
  return {
    /**
     * bulk-importer::import_csv {reader, progress?} → {imported, failed, failed_count}. With `progress` (a
     * channel writer ref), `{"rows","imported","refused"}` text messages follow the import, the last one
     * once it is done; then that channel closes.
     */
    async importCsv(input: unknown): Promise<ImportResult> {
      const chunks = readerChunks(input);
      const writer = progressWriter(input);
      const progress = writer ? throttled((p) => writer.sendMessage(JSON.stringify(p))) : undefined;
      let latest: ImportProgress = { rows: 0, imported: 0, refused: 0 };
      try {
        const result = await importRecords(csvRecords(chunks), deps, 16, (p) => {
          latest = p;
          progress?.tick(p);
        });
        progress?.end({ ...latest, imported: result.imported, refused: result.failed_count });
        return result;
      } finally {
        writer?.close();
      }
    },
  };
}
