/**
 * The subscriber table: topic → bindings (trigger id → function id). Removing a binding removes only
 * that binding (the reference `local` adapter dropped every subscriber of the topic; we implement the fix).
 */
export class Subscriptions {
  private readonly byTopic = new Map<string, Map<string, string>>();
  private readonly topicOf = new Map<string, string>();

  /** Returns true when this is the topic's first binding (the adapter should start listening). */
  add(topic: string, triggerId: string, functionId: string): boolean {
    this.remove(triggerId);
    let bindings = this.byTopic.get(topic);
    const first = bindings === undefined;
    if (!bindings) {
      bindings = new Map();
      this.byTopic.set(topic, bindings);
    }
    bindings.set(triggerId, functionId);
    this.topicOf.set(triggerId, topic);
    return first;
  }

  /** Returns the topic when this was its last binding (the adapter may stop listening). */
  remove(triggerId: string): string | undefined {
    const topic = this.topicOf.get(triggerId);
    if (topic === undefined) return undefined;
    this.topicOf.delete(triggerId);
    const bindings = this.byTopic.get(topic);
    bindings?.delete(triggerId);
    if (bindings && bindings.size === 0) {
      this.byTopic.delete(topic);
      return topic;
    }
    return undefined;
  }

  /** Function ids bound to `topic`, one entry per binding. */
  functionsFor(topic: string): string[] {
    const bindings = this.byTopic.get(topic);
    return bindings ? [...bindings.values()] : [];
  }

  topics(): string[] {
    return [...this.byTopic.keys()];
  }
}
