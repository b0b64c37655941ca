/**
 * The handler's answer (workers.md §1.4): the invocation result races the `response` channel.
 *
 * - A non-null result that arrives before the first body chunk wins (buffered reply).
 * - Otherwise text frames (`set_status` / `set_headers`) accumulate until the first binary chunk
 *   or the channel's end; then the head is sent and the remaining chunks stream (chunked encoding).
 * - A failed invocation before the head is decided is a 500 with the function's error code.
 */
import { toErrorBody } from '../../core/errors/index.ts';
import type { Logger } from '../../util/logger.ts';
import type { ChannelItem, EngineChannel } from '../module.ts';
import { errorReply, type HttpReply, parseControlFrame, replyFromResult } from './response.ts';

/** A streamed reply: head, then the first chunk (if any) and the rest of the channel. */
export interface StreamedReply {
  status: number;
  headers: Array<[string, string]>;
  first: Buffer | undefined;
  rest: AsyncIterator<ChannelItem>;
}

export type Outcome = { kind: 'buffered'; reply: HttpReply } | { kind: 'stream'; stream: StreamedReply };

/** Read control frames until the first body chunk or the end of the channel. */
async function streamHead(channel: EngineChannel, log: Logger): Promise<StreamedReply> {
  const rest = channel.read()[Symbol.asyncIterator]();
  let status = 200;
  const headers: Array<[string, string]> = [];
  for (;;) {
    const next = await rest.next();
    if (next.done) return { status, headers, first: undefined, rest };
    const item = next.value;
    if (item.kind === 'binary') return { status, headers, first: item.data, rest };
    const frame = parseControlFrame(item.data, log);
    if (frame?.type === 'set_status') status = frame.status_code;
    else if (frame?.type === 'set_headers') mergeHeaders(headers, frame.headers);
  }
}

/** Later `set_headers` frames override earlier values of the same name. */
function mergeHeaders(into: Array<[string, string]>, add: Array<[string, string]>): void {
  for (const [name, value] of add) {
    const i = into.findIndex(([n]) => n === name);
    if (i >= 0) into.splice(i, 1);
    into.push([name, value]);
  }
}

function ended(): AsyncIterator<ChannelItem> {
  return { next: async () => ({ done: true, value: undefined }) };
}

type Settled = { src: 'result'; value: unknown } | { src: 'error'; error: unknown } | { src: 'stream'; stream: StreamedReply };

export async function awaitOutcome(invocation: Promise<unknown>, response: EngineChannel, log: Logger): Promise<Outcome> {
  const fromInvoke = invocation.then(
    (value): Settled => ({ src: 'result', value }),
    (error: unknown): Settled => ({ src: 'error', error }),
  );
  // Read only once the handler writes to (or ends) the channel: most handlers just return a result. A channel
  // that fails (destroyed mid-read) counts as ended: the head is sent with what we have.
  const fromStream = new Promise<void>((resolve) => response.onActivity(resolve)).then(() => streamHead(response, log));
  const fromStreamSettled = fromStream.then(
    (stream): Settled => ({ src: 'stream', stream }),
    (): Settled => ({ src: 'stream', stream: { status: 200, headers: [], first: undefined, rest: ended() } }),
  );
  const first = await Promise.race([fromInvoke, fromStreamSettled]);
  if (first.src === 'stream') {
    // The handler may still fail later; the head is already decided, so that is only logged.
    void fromInvoke.then((s) => {
      if (s.src === 'error') log.debug('http handler failed after its streamed response began', { error: toErrorBody(s.error) });
    });
    return { kind: 'stream', stream: first.stream };
  }
  if (first.src === 'error') {
    const body = toErrorBody(first.error);
    return { kind: 'buffered', reply: errorReply(500, body.code, body.message) };
  }
  if (first.value !== null && first.value !== undefined) return { kind: 'buffered', reply: replyFromResult(first.value, log) };
  // No result: the handler answers through the response channel (e.g. the `http()` helper).
  const streamed = await fromStreamSettled;
  if (streamed.src !== 'stream') throw new Error('unreachable');
  return { kind: 'stream', stream: streamed.stream };
}
