/**
 * Request bodies: decide whether to buffer or stream, read with the `max_body_bytes` cap, and
 * parse what Triad understands (workers.md §1.3 plus Triad's extras).
 *
 * Buffered (≤ max_body_bytes, else 413): JSON, urlencoded and multipart forms, text, and any
 * body whose declared length fits. Those get a parsed `body` and a `raw_body` beside it.
 * Streamed: other bodies (binary uploads) without a length or longer than the cap flow into the
 * `request_body` channel as they arrive, so uploads are bounded by the channel buffer, not memory.
 */
import { isUtf8 } from 'node:buffer';
import type { IncomingMessage } from 'node:http';
import { EngineError } from '../../core/errors/index.ts';
import { type FormFields, parseMultipart } from './multipart.ts';

export type BodyMode = 'none' | 'buffer' | 'stream';

export interface ParsedBody {
  /** Parsed JSON / form object, or null. */
  body: unknown;
  /** Absent when the request has no body. */
  raw_body?: string;
  raw_body_encoding?: 'utf8' | 'base64';
}

const FORM_URLENCODED = 'application/x-www-form-urlencoded';
const MULTIPART = 'multipart/form-data';

function isJson(ct: string): boolean {
  return ct.includes('application/json');
}

/** Content types whose bytes are text, so `raw_body` is a UTF-8 string rather than base64. */
function isTextual(ct: string): boolean {
  return (
    ct.startsWith('text/') ||
    isJson(ct) ||
    ct.includes('+json') ||
    ct.includes('xml') ||
    ct.includes(FORM_URLENCODED) ||
    ct.includes('javascript')
  );
}

function isParsed(ct: string): boolean {
  return isJson(ct) || ct.includes(FORM_URLENCODED) || ct.includes(MULTIPART) || isTextual(ct);
}

export function bodyModeOf(req: IncomingMessage, maxBytes: number): BodyMode {
  const lengthHeader = req.headers['content-length'];
  const length = lengthHeader === undefined ? undefined : Number(lengthHeader);
  const chunked = req.headers['transfer-encoding'] !== undefined;
  if (!chunked && (length === undefined || length === 0)) return 'none';
  const ct = (req.headers['content-type'] ?? '').toLowerCase();
  if (isParsed(ct)) return 'buffer';
  return length !== undefined && !chunked && length <= maxBytes ? 'buffer' : 'stream';
}

export function tooLarge(maxBytes: number): EngineError {
  return new EngineError('E_HTTP_BODY_TOO_LARGE', `request body exceeds max_body_bytes (${maxBytes} bytes)`);
}

/** Read the whole body; rejects with `E_HTTP_BODY_TOO_LARGE` as soon as the cap is crossed. */
export function readBody(req: IncomingMessage, maxBytes: number): Promise<Buffer> {
  const declared = Number(req.headers['content-length'] ?? 0);
  if (declared > maxBytes) return Promise.reject(tooLarge(maxBytes));
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let size = 0;
    const onData = (chunk: Buffer): void => {
      size += chunk.length;
      if (size > maxBytes) {
        cleanup();
        reject(tooLarge(maxBytes));
        return;
      }
      chunks.push(chunk);
    };
    const onEnd = (): void => {
      cleanup();
      resolve(chunks.length === 1 ? chunks[0]! : Buffer.concat(chunks, size));
    };
    const onError = (err: Error): void => {
      cleanup();
      reject(err);
    };
    const cleanup = (): void => {
      req.off('data', onData);
      req.off('end', onEnd);
      req.off('error', onError);
      req.off('aborted', onAborted);
    };
    const onAborted = (): void => onError(new Error('client aborted the request'));
    req.on('data', onData);
    req.on('end', onEnd);
    req.on('error', onError);
    req.on('aborted', onAborted);
  });
}

/** Parse a buffered body by content type. Malformed JSON / multipart rejects with a coded 400 error. */
export async function parseBody(raw: Buffer, contentType: string | undefined): Promise<ParsedBody> {
  const ct = (contentType ?? '').toLowerCase();
  const out: ParsedBody = { body: null, ...rawBodyOf(raw, ct) };
  if (raw.length === 0) return out;
  if (isJson(ct)) out.body = parseJson(raw);
  else if (ct.includes(FORM_URLENCODED)) out.body = parseUrlEncoded(raw.toString('utf8'));
  else if (ct.includes(MULTIPART)) out.body = (await parseMultipart(raw, contentType ?? '')) satisfies FormFields;
  return out;
}

function rawBodyOf(raw: Buffer, ct: string): Pick<ParsedBody, 'raw_body' | 'raw_body_encoding'> {
  if (raw.length === 0) return {};
  // Without a declared type, valid UTF-8 is treated as text.
  const text = ct === '' ? isUtf8(raw) : isTextual(ct);
  return text
    ? { raw_body: raw.toString('utf8'), raw_body_encoding: 'utf8' }
    : { raw_body: raw.toString('base64'), raw_body_encoding: 'base64' };
}

function parseJson(raw: Buffer): unknown {
  const text = raw.toString('utf8');
  if (text.trim() === '') return null;
  try {
    return JSON.parse(text);
  } catch (err) {
    throw new EngineError('E_HTTP_BAD_JSON', `request body is not valid JSON: ${(err as Error).message}`);
  }
}

/** Single-valued like `query_params`: a repeated key keeps the last value. */
export function parseUrlEncoded(text: string): Record<string, string> {
  const out: Record<string, string> = {};
  for (const [k, v] of new URLSearchParams(text)) out[k] = v;
  return out;
}
