/**
 * `multipart/form-data` (RFC 7578) through busboy, over a body already capped by `max_body_bytes`.
 * Fields become strings; files become `{ filename, content_type, size, data_base64 }` so they survive
 * the JSON trip to the worker. A repeated name keeps the last part, like query params.
 *
 * busboy's own defaults are adjusted where they would lose data silently: field values are not cut at
 * 1 MiB (the body cap already bounds them) and filenames are read as UTF-8 (what browsers send).
 * Filenames lose any directory part (busboy's default). A part without a content-type is
 * `text/plain` (RFC 7578 §4.4). Parts beyond `MAX_FORM_PARTS` are refused with `E_HTTP_FORM_LIMIT`.
 */
import busboy from 'busboy';
import { EngineError } from '../../core/errors/index.ts';

export interface FormFile {
  filename: string;
  content_type: string;
  size: number;
  data_base64: string;
}

export type FormFields = Record<string, string | FormFile>;

/** Parts (fields + files) one form may have: each becomes a property of the worker's `body`. */
export const MAX_FORM_PARTS = 1000;

function bad(message: string): EngineError {
  return new EngineError('E_HTTP_BAD_FORM', `malformed multipart/form-data body: ${message}`);
}

export function parseMultipart(body: Buffer, contentType: string): Promise<FormFields> {
  let parser: busboy.Busboy;
  try {
    parser = busboy({
      headers: { 'content-type': contentType },
      defParamCharset: 'utf8',
      // busboy signals `partsLimit` when the count is *reached*: one more is the first refused part.
      limits: { parts: MAX_FORM_PARTS + 1, fieldSize: body.length },
    });
  } catch (err) {
    // Thrown for a content-type without a boundary parameter.
    return Promise.reject(bad((err as Error).message));
  }
  return new Promise<FormFields>((resolve, reject) => {
    const fields: FormFields = {};
    const fail = (err: EngineError): void => {
      reject(err);
      parser.destroy();
    };
    parser.on('field', (name: string | undefined, value: string) => {
      if (name === undefined) return fail(bad('a part has no content-disposition name'));
      fields[name] = value;
    });
    parser.on('file', (name: string | undefined, stream, info) => {
      stream.on('error', () => {}); // the parser reports the same failure
      if (name === undefined) return fail(bad('a part has no content-disposition name'));
      // Placed now, filled when read: a later part of the same name still wins.
      const file: FormFile = { filename: info.filename ?? '', content_type: info.mimeType, size: 0, data_base64: '' };
      fields[name] = file;
      const chunks: Buffer[] = [];
      stream.on('data', (chunk: Buffer) => chunks.push(chunk));
      stream.on('end', () => {
        const data = Buffer.concat(chunks);
        file.size = data.length;
        file.data_base64 = data.toString('base64');
      });
    });
    parser.on('partsLimit', () =>
      fail(new EngineError('E_HTTP_FORM_LIMIT', `multipart/form-data body has more than ${MAX_FORM_PARTS} parts`)),
    );
    parser.on('error', (err: Error) => fail(bad(err.message)));
    parser.on('close', () => resolve(fields));
    parser.end(body);
  });
}
