/**
 * Socket subscriptions and their fan-out (protocol.md §8.3).
 *
 * A subscription matches an event when stream and group are equal and it either has no item id or the
 * same one. Each event is serialized and UTF-8 encoded once by the caller; the same bytes go to every
 * match (sent as a text frame), so a fan-out to N sockets costs N header writes, not N encodings.
 * `deliver` never awaits a socket: a slow subscriber costs the set path one `bufferedAmount` read.
 */

/** The socket side of a subscription; implemented over `ws` in connection.ts. */
export interface SubscriberSocket {
  /** Queue a text frame (UTF-8 bytes) to the client, applying the slow-consumer policy. Never blocks. */
  deliver(frame: Buffer): void;
}

export interface Subscription {
  id: string;
  socket: SubscriberSocket;
  streamName: string;
  groupId: string;
  itemId: string | null;
  /**
   * Frames that arrived between subscribing and sending `sync`; flushed right after it so a client always
   * sees `sync` first and then every later change, in order.
   */
  pending: Buffer[] | null;
}

const groupKey = (stream: string, group: string): string => JSON.stringify([stream, group]);

export class SubscriptionIndex {
  private readonly byGroup = new Map<string, Set<Subscription>>();
  private count = 0;

  add(sub: Subscription): void {
    const key = groupKey(sub.streamName, sub.groupId);
    let set = this.byGroup.get(key);
    if (!set) {
      set = new Set();
      this.byGroup.set(key, set);
    }
    if (!set.has(sub)) this.count++;
    set.add(sub);
  }

  remove(sub: Subscription): void {
    const key = groupKey(sub.streamName, sub.groupId);
    const set = this.byGroup.get(key);
    if (!set?.delete(sub)) return;
    this.count--;
    if (set.size === 0) this.byGroup.delete(key);
  }

  /** Number of live subscriptions (tests, metrics). */
  size(): number {
    return this.count;
  }

  /** Send `frame` to every subscription matching the event address. */
  publish(streamName: string, groupId: string, itemId: string | null, frame: Buffer): void {
    const set = this.byGroup.get(groupKey(streamName, groupId));
    if (!set) return;
    for (const sub of set) {
      if (sub.itemId !== null && sub.itemId !== itemId) continue;
      if (sub.pending) sub.pending.push(frame);
      else sub.socket.deliver(frame);
    }
  }

  /** Mark the subscription live: send what queued up during sync, in order. */
  activate(sub: Subscription): void {
    const queued = sub.pending ?? [];
    sub.pending = null;
    for (const frame of queued) sub.socket.deliver(frame);
  }
}
