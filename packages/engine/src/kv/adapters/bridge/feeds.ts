/**
 * The change feeds of the bridge adapters: how a change reaches every engine bridged to one backend.
 *
 * - state: the backend's own `state` trigger (no filter) calls a per-engine function
 *   `state::bridge::on_change::<uuid>` registered through the link. Every change made on the backend,
 *   by a bridged engine or directly, reaches every bridged engine once, in the backend's order. (The
 *   reference fires only the writing engine's triggers; other engines never hear of the change.)
 * - iii-stream (`bridge_stream_events: trigger`, the default): a backend `stream` trigger for every stream
 *   (`stream_name: "*"`, a Triad extension) calls `stream::bridge::on_change::<uuid>`: every change the
 *   backend's store announces (bridged writes, writes made on the backend, sends) reaches every bridged engine
 *   once, in the backend's order; `stream::send` goes to the backend's `stream::send`.
 * - iii-stream (`bridge_stream_events: pubsub`, for a reference backend): as the reference, a `stream.events`
 *   topic on the backend's `pubsub` and a per-engine `stream::bridge::on_pub::<uuid>` subscriber. The writing
 *   engine publishes after each committed write and receives its own frame through the subscription like
 *   every other engine (one delivery path). Writes made directly on the backend are not seen.
 * Both subscriptions are replayed by the link after a reconnect; changes made while it was down are lost.
 */
import { randomUUID } from 'node:crypto';
import type { BridgeLink } from '../../../bridge-link/index.ts';
import type { Logger } from '../../../util/logger.ts';
import type { ChangeFeed, KvChange } from '../change-feed.ts';
import { LocalChangeFeed } from '../local-feed.ts';
import { changeOfFrame, changeOfMessage, changeOfStateEvent, frameOf, sendOf } from './frames.ts';
import { remote } from './remote.ts';

export const STREAM_TOPIC = 'stream.events';
export const STATE_TOPIC = 'state.events';

interface Subscription {
  prefix: string;
  trigger_type: string;
  config: unknown;
  decode: (data: unknown) => KvChange | undefined;
}

/** A feed fed by backend subscriptions (one function + trigger each); `publish` is what this engine announces. */
function subscribed(
  link: BridgeLink,
  log: Logger,
  subs: Subscription[],
  publish: (change: KvChange) => Promise<void>,
): ChangeFeed<KvChange> {
  const local = new LocalChangeFeed<KvChange>((err) => log.error('bridge change handler failed', { error: String(err) }));
  const disposers = subs.flatMap((sub) => {
    const functionId = `${sub.prefix}::${randomUUID()}`;
    const offFunction = link.registerFunction(functionId, async (data) => {
      const change = sub.decode(data);
      if (change) await local.publish(change);
      else log.warn('bridge: ignored a change the backend sent in an unknown shape', { function_id: functionId });
      return null;
    });
    return [offFunction, link.registerTrigger({ trigger_type: sub.trigger_type, function_id: functionId, config: sub.config })];
  });
  return {
    publish,
    subscribe: (handler) => local.subscribe(handler),
    async close() {
      for (const off of disposers.reverse()) off();
      await local.close();
    },
  };
}

/**
 * Writes come back through the backend's `state` trigger; messages (which the state module never sends,
 * but the feed contract carries) travel on the backend's `state.events` pubsub topic.
 */
export function stateFeed(link: BridgeLink, log: Logger): ChangeFeed<KvChange> {
  const subs = [
    { prefix: 'state::bridge::on_change', trigger_type: 'state', config: {}, decode: changeOfStateEvent },
    { prefix: 'state::bridge::on_pub', trigger_type: 'subscribe', config: { topic: STATE_TOPIC }, decode: changeOfMessage },
  ];
  return subscribed(link, log, subs, async (change) => {
    if (change.kind === 'message') await remote(link, 'publish', { topic: STATE_TOPIC, data: change });
  });
}

/** How a stream bridge hears of changes: the backend's `stream` trigger (Triad backends) or a pubsub topic. */
export type StreamEvents = 'trigger' | 'pubsub';

export function streamFeed(link: BridgeLink, log: Logger, events: StreamEvents): ChangeFeed<KvChange> {
  if (events === 'trigger') {
    // Every change the backend's stream store announces, whoever made it, in the backend's order.
    const sub = { prefix: 'stream::bridge::on_change', trigger_type: 'stream', config: { stream_name: '*' }, decode: changeOfFrame };
    return subscribed(link, log, [sub], async (change) => {
      const send = sendOf(change);
      if (send) await remote(link, 'stream::send', send);
    });
  }
  const sub = { prefix: 'stream::bridge::on_pub', trigger_type: 'subscribe', config: { topic: STREAM_TOPIC }, decode: changeOfFrame };
  return subscribed(link, log, [sub], async (change) => {
    const frame = frameOf(change);
    if (frame) await remote(link, 'publish', { topic: STREAM_TOPIC, data: frame });
  });
}
