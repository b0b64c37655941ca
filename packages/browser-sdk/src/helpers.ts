/** `iii-browser-sdk/helpers`: channels and custom streams on top of a worker. */
import type { ChannelReader, ChannelWriter } from './channels.ts';
import type { IStream } from './stream.ts';
import type { Channel, ISdk } from './types.ts';

export { extractChannelRefs, isChannelRef } from './refs.ts';

export const ChannelDirection = { Read: 'read', Write: 'write' } as const;
export type ChannelDirection = (typeof ChannelDirection)[keyof typeof ChannelDirection];

export type ChannelItem = { type: 'text'; value: string } | { type: 'binary'; value: Uint8Array };
export const ChannelItem = {
  Text: (value: string): ChannelItem => ({ type: 'text', value }),
  Binary: (value: Uint8Array): ChannelItem => ({ type: 'binary', value }),
};

/** What the helpers reach on the instance `registerWorker` returned (not part of `ISdk`). */
interface Internals {
  __helpers_create_channel(bufferSize?: number): Promise<Channel<ChannelWriter, ChannelReader>>;
}

/** A new channel (`engine::channels::create`): live ends for this tab, refs to hand to other workers. */
export function createChannel(iii: ISdk, bufferSize?: number): Promise<Channel<ChannelWriter, ChannelReader>> {
  return (iii as ISdk & Internals).__helpers_create_channel(bufferSize);
}

/** Serve stream `streamName` from this tab: `stream::get|set|delete|list|list_groups(<name>)` (not update). */
export function createStream<T>(iii: ISdk, streamName: string, stream: IStream<T>): void {
  iii.registerFunction(`stream::get(${streamName})`, (input) => stream.get(input));
  iii.registerFunction(`stream::set(${streamName})`, (input) => stream.set(input));
  iii.registerFunction(`stream::delete(${streamName})`, (input) => stream.delete(input));
  iii.registerFunction(`stream::list(${streamName})`, (input) => stream.list(input));
  iii.registerFunction(`stream::list_groups(${streamName})`, (input) => stream.listGroups(input));
}
