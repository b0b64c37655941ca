/**
 * A streaming CSV reader: feed it chunks as they arrive from a channel and it hands back the complete
 * records so far. Chunks may end anywhere (inside a row, a quoted field or a UTF-8 character), so all
 * state carries over between `push` calls. RFC 4180 quoting ("a,b", "say ""hi""", newlines inside
 * quotes); CRLF and LF line ends; blank lines are skipped.
 */
import { StringDecoder } from 'node:string_decoder';

export interface CsvRecord {
  /** 1-based line of the file where the record starts (for error reports). */
  line: number;
  fields: string[];
}

export class CsvParser {
  private readonly decoder = new StringDecoder('utf8');
  private fields: string[] = [];
  private field = '';
  private inQuotes = false;
  /** Inside quotes, a `"` was just read: either the closing quote or the first half of `""`. */
  private quotePending = false;
  /** The current field started with a quote (so `"",x` is an empty quoted field, not a blank line). */
  private quotedField = false;
  private line = 1;
  private recordLine = 1;
  private out: CsvRecord[] = [];

  push(chunk: Buffer | string): CsvRecord[] {
    const text = typeof chunk === 'string' ? chunk : this.decoder.write(chunk);
    for (const c of text) this.char(c);
    return this.take();
  }

  /** The last record when the file does not end with a newline. */
  end(): CsvRecord[] {
    for (const c of this.decoder.end()) this.char(c);
    if (this.quotePending) this.inQuotes = this.quotePending = false;
    if (this.field !== '' || this.fields.length > 0 || this.quotedField) this.endRecord();
    return this.take();
  }

  private take(): CsvRecord[] {
    const records = this.out;
    this.out = [];
    return records;
  }

  private char(c: string): void {
    if (this.inQuotes) {
      if (!this.quotePending) {
        if (c === '"') this.quotePending = true;
        else this.field += c;
        if (c === '\n') this.line++;
        return;
      }
      this.quotePending = false;
      if (c === '"') {
        this.field += '"';
        return;
      }
      this.inQuotes = false; // the quote closed the field; `c` is read as unquoted text below
    }
    if (c === '"' && this.field === '' && !this.quotedField) {
      this.inQuotes = this.quotedField = true;
    } else if (c === ',') {
      this.endField();
    } else if (c === '\n') {
      this.endRecord();
      this.line++;
      this.recordLine = this.line;
    } else if (c !== '\r') {
      this.field += c;
    }
  }

  private endField(): void {
    this.fields.push(this.field);
    this.field = '';
    this.quotedField = false;
  }

  private endRecord(): void {
    const blank = this.fields.length === 0 && this.field.trim() === '' && !this.quotedField;
    this.endField();
    if (!blank) this.out.push({ line: this.recordLine, fields: this.fields });
    this.fields = [];
  }
}

/** Records of a stream of chunks, as they complete. */
export async function* csvRecords(chunks: AsyncIterable<Buffer | string>): AsyncGenerator<CsvRecord> {
  const parser = new CsvParser();
  for await (const chunk of chunks) yield* parser.push(chunk);
  yield* parser.end();
}
