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

/**
 * One promise and a few callbacks per request (the hot path of every HTTP trigger): the result settles it
 * unless the stream's head was decided first; the channel is read only once the handler writes to (or
 * ends) it, since most handlers just return a result.
 */
export function awaitOutcome(invocation: Promise<unknown>, response: EngineChannel, log: Logger): Promise<Outcome> {
  return new Promise<Outcome>((resolve) => {
    let decided = false;
    const decide = (o: Outcome): void => {
      decided = true;
      resolve(o);
    };
    invocation.then(
      (value) => {
        // A null result: the handler answers through the response channel (e.g. the `http()` helper).
        if (!decided && value !== null && value !== undefined) decide({ kind: 'buffered', reply: replyFromResult(value, log) });
      },
      (error: unknown) => {
        if (decided) {
          // Only a streamed head can be decided before the invocation settles; it is out, so this is only logged.
          log.debug('http handler failed after its streamed response began', { error: toErrorBody(error) });
          return;
        }
        const body = toErrorBody(error);
        decide({ kind: 'buffered', reply: errorReply(500, body.code, body.message) });
      },
    );
    response.onActivity(() => {
      // A channel that fails (destroyed mid-read) counts as ended: the head is sent with what we have.
      streamHead(response, log).then(
        (stream) => decided || decide({ kind: 'stream', stream }),
        () => decided || decide({ kind: 'stream', stream: { status: 200, headers: [], first: undefined, rest: ended() } }),
      );
    });
  });
}
