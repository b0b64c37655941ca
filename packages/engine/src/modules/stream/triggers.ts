/**
 * Trigger types `stream`, `stream:join`, `stream:leave` (workers.md §6.2, protocol.md §4.2.5).
 * `stream` requires `stream_name` (the reference crashes without it; we reject the registration).
 * `stream:join`/`stream:leave` honour an optional `stream_name` filter: workers.md lists it in their config,
 * the reference accepts and ignores it; an absent filter (the common case) behaves identically.
 */
import { check, formatIssues, type Schema, toJsonSchema } from '../../core/config/schema.ts';
import { EngineError } from '../../core/errors/index.ts';
import type { Logger } from '../../util/logger.ts';
import type { EngineApi, InvokeOptions, TriggerInstance, TriggerTypeDef } from '../module.ts';
import { ANY_STREAM, joinLeaveTriggerConfig, streamTriggerConfig } from './config.ts';
import type { JoinLeaveEvent, StreamEvent } from './events.ts';

interface Binding {
  functionId: string;
  streamName: string | undefined;
  groupId: string | undefined;
  itemId: string | undefined;
  condition: string | undefined;
  metadata: unknown;
}

const JOIN_RESULT_TIMEOUT_MS = 10_000;

function parseConfig<T>(schema: Schema<T>, t: TriggerInstance): T {
  const r = check(schema, t.config ?? {});
  if (!r.ok) throw new EngineError('trigger_registration_failed', `invalid ${t.trigger_type} trigger config: ${formatIssues(r.issues)}`);
  return r.value;
}

const orUndefined = (v: string | undefined): string | undefined => (v === undefined || v === '' ? undefined : v);

export class StreamTriggers {
  private readonly change = new Map<string, Binding>();
  private readonly join = new Map<string, Binding>();
  private readonly leave = new Map<string, Binding>();

  constructor(
    private readonly engine: EngineApi,
    private readonly log: Logger,
  ) {}

  typeDefs(): TriggerTypeDef[] {
    return [
      this.def('stream', 'Fires after stream::set, update, delete and send', this.change, (t) => {
        const c = parseConfig(streamTriggerConfig, t);
        return {
          streamName: c.stream_name,
          groupId: orUndefined(c.group_id),
          itemId: orUndefined(c.item_id),
          condition: orUndefined(c.condition_function_id),
        };
      }),
      this.def('stream:join', 'Fires when a socket client joins; may answer { unauthorized: true }', this.join, (t) => this.joinLeave(t)),
      this.def('stream:leave', 'Fires when a socket client leaves or disconnects', this.leave, (t) => this.joinLeave(t)),
    ];
  }

  private joinLeave(t: TriggerInstance): Omit<Binding, 'functionId' | 'metadata'> {
    const c = parseConfig(joinLeaveTriggerConfig, t);
    return {
      streamName: orUndefined(c.stream_name),
      groupId: undefined,
      itemId: undefined,
      condition: orUndefined(c.condition_function_id),
    };
  }

  private def(
    id: string,
    description: string,
    into: Map<string, Binding>,
    parse: (t: TriggerInstance) => Omit<Binding, 'functionId' | 'metadata'>,
  ): TriggerTypeDef {
    const schema = id === 'stream' ? streamTriggerConfig : joinLeaveTriggerConfig;
    return {
      id,
      description,
      configuration_schema: toJsonSchema(schema),
      register: (t) => {
        into.set(t.id, { ...parse(t), functionId: t.function_id, metadata: t.metadata });
      },
      unregister: (t) => {
        into.delete(t.id);
      },
    };
  }

  /** Fan a change out to matching `stream` triggers; never awaited by the write path. */
  fireChange(e: StreamEvent): void {
    for (const b of this.change.values()) {
      if (b.streamName !== ANY_STREAM && b.streamName !== e.streamName) continue;
      if ((b.groupId !== undefined && b.groupId !== e.groupId) || (b.itemId !== undefined && b.itemId !== e.id)) continue;
      void this.call(b, e, 'void');
    }
  }

  /** Run every join trigger; true when any handler answered `{ unauthorized: true }`. */
  async runJoin(e: JoinLeaveEvent): Promise<boolean> {
    const calls = [...this.join.values()]
      .filter((b) => b.streamName === undefined || b.streamName === e.stream_name)
      .map((b) => this.call(b, e, 'result'));
    const results = await Promise.allSettled(calls);
    return results.some((r) => r.status === 'fulfilled' && isUnauthorized(r.value));
  }

  fireLeave(e: JoinLeaveEvent): void {
    for (const b of this.leave.values()) {
      if (b.streamName !== undefined && b.streamName !== e.stream_name) continue;
      void this.call(b, e, 'void');
    }
  }

  /**
   * Condition first (exact `false` skips; an error skips and is logged), then the handler: fire-and-forget
   * (`void`, errors logged by the core) or awaited for its result (join handlers, bounded by a timeout).
   */
  private async call(b: Binding, payload: unknown, mode: 'void' | 'result'): Promise<unknown> {
    if (b.condition) {
      try {
        if ((await this.engine.invoke(b.condition, payload)) === false) return undefined;
      } catch (err) {
        this.log.warn('stream trigger condition failed; handler skipped', { condition: b.condition, error: String(err) });
        return undefined;
      }
    }
    const opts: InvokeOptions = b.metadata === undefined ? {} : { metadata: b.metadata };
    if (mode === 'void') return this.engine.invokeVoid(b.functionId, payload, opts);
    return this.engine.invoke(b.functionId, payload, { ...opts, timeoutMs: JOIN_RESULT_TIMEOUT_MS });
  }
}

function isUnauthorized(v: unknown): boolean {
  return typeof v === 'object' && v !== null && 'unauthorized' in v && v.unauthorized === true;
}
