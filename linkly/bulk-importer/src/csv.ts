/**
 * CSV records from a stream of chunks, through csv-parse: chunks may end anywhere (inside a row, a quoted
 * field or a UTF-8 character). RFC 4180 quoting ("a,b", "say ""hi""", newlines inside quotes); CRLF and
 * LF line ends, even mixed; blank (or whitespace-only) lines are skipped; rows may have any field count
 * (the importer reads the columns it needs); a stray quote inside an unquoted field is kept as text;
 * CRLF inside a quoted field reads as LF.
 *
 * Each record carries the line where it starts, for the importer's refused-row reports. A quote left open
 * at the end of the input closes there (the last record keeps what it had).
 */
import { Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { type CsvError, type Info, parse } from 'csv-parse';
import { parse as parseText } from 'csv-parse/sync';

export interface CsvRecord {
  /** 1-based line of the file where the record starts (for error reports). */
  line: number;
  fields: string[];
}

const OPTIONS = {
  // Input is LF-only by then (see `lf`); auto-detection would lock onto the first line end it sees.
  record_delimiter: '\n',
  skip_empty_lines: true,
  relax_quotes: true,
  relax_column_count: true,
  info: true,
} as const;

/** Line breaks inside a record's fields (csv-parse counts a lone CR as one too). */
const breaksIn = (fields: string[]): number => fields.reduce((n, f) => n + (f.match(/[\r\n]/g)?.length ?? 0), 0);

/** `info.lines` is where a record ends; the file line where it starts is what reports need. */
const startLine = (endLine: number, fields: string[]): number => endLine - breaksIn(fields);

const isBlank = (fields: string[]): boolean => fields.length === 1 && fields[0]!.trim() === '';

/** The record a quote left open at the end of the input holds, read as if the quote closed there. */
function closeOpenQuote(raw: string, endLine: number): CsvRecord[] {
  const rows = parseText(`${raw}"`, { ...OPTIONS, info: false }) as string[][];
  return rows.filter((fields) => !isBlank(fields)).map((fields) => ({ line: startLine(endLine, fields), fields }));
}

const CR = 0x0d;
const LF = 0x0a;

/**
 * CRLF → LF, also when a chunk ends between the two: csv-parse counts CR and LF as a line each, so its
 * line numbers are only right for LF files. Byte-level is safe: no UTF-8 sequence contains these bytes.
 */
async function* lf(chunks: AsyncIterable<Buffer | string>): AsyncGenerator<Buffer> {
  let heldCr = false;
  for await (const chunk of chunks) {
    let bytes = typeof chunk === 'string' ? Buffer.from(chunk) : chunk;
    if (bytes.length === 0) continue;
    if (heldCr && bytes[0] !== LF) yield Buffer.of(CR);
    heldCr = bytes[bytes.length - 1] === CR;
    if (heldCr) bytes = bytes.subarray(0, -1);
    yield Buffer.from(bytes.toString('latin1').replaceAll('\r\n', '\n'), 'latin1');
  }
  if (heldCr) yield Buffer.of(CR);
}

/** Records of a stream of chunks, as they complete. */
export async function* csvRecords(chunks: AsyncIterable<Buffer | string>): AsyncGenerator<CsvRecord> {
  // Errors are taken through `on_skip`, not thrown: a thrown one would discard records already parsed.
  let failure: CsvError | undefined;
  let openQuote: CsvRecord[] = [];
  const parser = parse({
    ...OPTIONS,
    raw: true, // the text of the record being read comes with its error (used for an open quote)
    skip_records_with_error: true,
    on_skip: (err: CsvError | undefined, raw: string | undefined) => {
      if (err?.code === 'CSV_QUOTE_NOT_CLOSED' && raw !== undefined && typeof err.lines === 'number')
        openQuote = closeOpenQuote(raw, err.lines);
      else failure ??= err;
      return undefined;
    },
  });
  // Errors of the source reach the loop below: pipeline destroys the parser with them.
  const feeding = pipeline(Readable.from(lf(chunks)), parser).catch(() => {});
  for await (const { record, info } of parser as AsyncIterable<{ record: string[]; info: Info }>) {
    if (failure) break;
    if (!isBlank(record)) yield { line: startLine(info.lines, record), fields: record };
  }
  await feeding;
  if (failure) throw failure;
  yield* openQuote;
}
