/**
 * The `bridge` kv adapter (`adapter: { name: bridge, config: { bridge_url } }`) for `state` and
 * `iii-stream`: this engine serves its state or stream from another engine (the backend) over a bridge
 * link. See feeds.ts for how changes reach every bridged engine, docs/scale-out.md for the whole picture.
 */
import type { BridgeLink } from '../../../bridge-link/index.ts';
import type { Logger } from '../../../util/logger.ts';
import type { ChangeFeed, KvBackend, KvChange } from '../change-feed.ts';
import type { KvStore } from '../kv-store.ts';
import { type StreamEvents, stateFeed, streamFeed } from './feeds.ts';
import { BridgeStateStore } from './state-store.ts';
import { BridgeStreamStore, DELETED } from './stream-store.ts';

export function openBridgeBackend(kind: 'state' | 'stream', link: BridgeLink, log: Logger, events: StreamEvents = 'trigger'): KvBackend {
  let feed: ChangeFeed<KvChange>;
  let store: KvStore;
  if (kind === 'state') {
    feed = stateFeed(link, log);
    store = new BridgeStateStore(link);
  } else {
    feed = streamFeed(link, log, events);
    // With the trigger, the backend announces every write itself; with pubsub, the writer publishes it.
    store = new BridgeStreamStore(link, (scope, key, old, value) => {
      if (events === 'trigger') return;
      const at = Date.now();
      const change: KvChange = value === DELETED ? { kind: 'delete', scope, key, old, at } : { kind: 'write', scope, key, old, value, at };
      feed
        .publish(change)
        .catch((err: unknown) =>
          log.warn('stream change written but not published to the other engines', { scope, key, error: String(err) }),
        );
    });
  }
  return {
    store,
    feed,
    async close() {
      await feed.close();
      await link.close();
    },
  };
}
