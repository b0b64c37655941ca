/** Writing replies to Node's `ServerResponse`: buffered bodies, and streamed ones with backpressure. */
import type { OutgoingHttpHeaders, ServerResponse } from 'node:http';
import type { StreamedReply } from './outcome.ts';
import type { HttpReply } from './response.ts';

type Pairs = ReadonlyArray<readonly [string, string]>;

function addPairs(out: OutgoingHttpHeaders, pairs: Pairs): void {
  for (const [name, value] of pairs) {
    const prev = out[name];
    if (prev === undefined) out[name] = value;
    else out[name] = Array.isArray(prev) ? [...prev, value] : [String(prev), value];
  }
}

function toHeaderObject(pairs: Pairs, extra: Pairs): OutgoingHttpHeaders {
  const out: OutgoingHttpHeaders = {};
  addPairs(out, pairs);
  addPairs(out, extra);
  return out;
}

const NONE: Pairs = [];

/** Send a buffered reply; `extra` headers (CORS) come after the handler's own. */
export function sendReply(res: ServerResponse, reply: HttpReply, extra: Pairs = NONE): void {
  if (res.headersSent || res.destroyed) return;
  const headers = toHeaderObject(reply.headers, extra);
  // 1xx, 204 and 304 carry no body, so no content-length either.
  if (reply.status >= 200 && reply.status !== 204 && reply.status !== 304) headers['content-length'] = reply.body.length;
  res.writeHead(reply.status, headers);
  // No body (redirects): `end()` sends the head as one string in one write; `end(emptyBuffer)` queued the
  // head, the empty chunk and the terminator for a writev, a visible share of the engine's CPU per redirect.
  if (reply.body.length === 0) res.end();
  else res.end(reply.body);
}

/** Send the head of a streamed reply, then every binary chunk as it arrives (chunked encoding). */
export async function sendStream(res: ServerResponse, stream: StreamedReply, extra: Pairs = NONE): Promise<void> {
  if (res.headersSent || res.destroyed) return;
  res.writeHead(stream.status, toHeaderObject(stream.headers, extra));
  if (stream.first) await write(res, stream.first);
  for (;;) {
    if (res.destroyed) return;
    const next = await stream.rest.next();
    if (next.done) break;
    // Control frames after the head is sent have nothing left to change.
    if (next.value.kind === 'binary') await write(res, next.value.data);
  }
  res.end();
}

/** Resolve once the chunk is accepted, waiting for `drain` when the client reads slowly. */
function write(res: ServerResponse, chunk: Buffer): Promise<void> {
  if (res.write(chunk)) return Promise.resolve();
  return new Promise((resolve) => {
    const done = (): void => {
      res.off('drain', done);
      res.off('close', done);
      resolve();
    };
    res.on('drain', done);
    res.on('close', done);
  });
}
