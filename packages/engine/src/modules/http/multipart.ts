/**
 * A small buffered `multipart/form-data` parser (RFC 7578) for bodies already capped by
 * `max_body_bytes`. Fields become strings; files become `{ filename, content_type, size, data_base64 }`
 * so they survive the JSON trip to the worker. A repeated name keeps the last part, like query params.
 */
import { EngineError } from '../../core/errors/index.ts';

export interface FormFile {
  filename: string;
  content_type: string;
  size: number;
  data_base64: string;
}

export type FormFields = Record<string, string | FormFile>;

const CRLF = Buffer.from('\r\n');
const HEADER_END = Buffer.from('\r\n\r\n');

/** The `boundary` parameter of a content-type, unquoted; undefined when absent. */
export function boundaryOf(contentType: string): string | undefined {
  const m = /;\s*boundary=(?:"([^"]+)"|([^;\s]+))/i.exec(contentType);
  return m ? (m[1] ?? m[2]) : undefined;
}

function bad(message: string): EngineError {
  return new EngineError('E_HTTP_BAD_FORM', `malformed multipart/form-data body: ${message}`);
}

export function parseMultipart(body: Buffer, contentType: string): FormFields {
  const boundary = boundaryOf(contentType);
  if (!boundary) throw bad('the content-type has no boundary parameter');
  const delimiter = Buffer.from(`--${boundary}`);
  const fields: FormFields = {};
  let pos = body.indexOf(delimiter);
  if (pos < 0) throw bad('the opening boundary is missing');
  for (;;) {
    pos += delimiter.length;
    // `--` right after a delimiter marks the end of the body.
    if (body[pos] === 0x2d && body[pos + 1] === 0x2d) return fields;
    if (!body.subarray(pos, pos + 2).equals(CRLF)) throw bad('a boundary is not followed by CRLF');
    const headStart = pos + 2;
    const headEnd = body.indexOf(HEADER_END, headStart);
    if (headEnd < 0) throw bad('a part has no header terminator');
    const next = body.indexOf(Buffer.concat([CRLF, delimiter]), headEnd + 4);
    if (next < 0) throw bad('the closing boundary is missing');
    addPart(fields, body.subarray(headStart, headEnd).toString('utf8'), body.subarray(headEnd + 4, next));
    pos = next + 2;
  }
}

function addPart(fields: FormFields, head: string, data: Buffer): void {
  const headers = new Map<string, string>();
  for (const line of head.split('\r\n')) {
    const i = line.indexOf(':');
    if (i > 0) headers.set(line.slice(0, i).trim().toLowerCase(), line.slice(i + 1).trim());
  }
  const disposition = headers.get('content-disposition') ?? '';
  const name = paramOf(disposition, 'name');
  if (name === undefined) throw bad('a part has no content-disposition name');
  const filename = paramOf(disposition, 'filename');
  if (filename === undefined) {
    fields[name] = data.toString('utf8');
    return;
  }
  fields[name] = {
    filename,
    content_type: headers.get('content-type') ?? 'application/octet-stream',
    size: data.length,
    data_base64: data.toString('base64'),
  };
}

function paramOf(header: string, key: string): string | undefined {
  const m = new RegExp(`(?:^|;)\\s*${key}=(?:"((?:[^"\\\\]|\\\\.)*)"|([^;]*))`, 'i').exec(header);
  if (!m) return undefined;
  return m[1] !== undefined ? m[1].replace(/\\(.)/g, '$1') : (m[2] ?? '').trim();
}
