/**
 * The `introspection` service: read access to the core's registries and the few writes that
 * `engine::*` functions need. The engine-functions module is built on it like any other module.
 */
import type { TriggerInstance } from '../modules/module.ts';
import type { EngineCore } from './engine-core.ts';
import { EngineError } from './errors/index.ts';
import type { FunctionEntry } from './functions.ts';
import type { TriggerTypeEntry } from './triggers.ts';
import { cleanLabel, type WorkerInfo, type WorkerPeer } from './workers.ts';

export interface IntrospectionService {
  functions(): FunctionEntry[];
  functionWorkerName(e: FunctionEntry): string;
  triggerTypes(): TriggerTypeEntry[];
  triggerTypeWorkerName(t: TriggerTypeEntry): string;
  liveTriggers(): TriggerInstance[];
  pendingTriggers(): TriggerInstance[];
  workers(): Array<WorkerInfo & { functionCount: number; activeInvocations: number }>;
  /** In-process module instances (`runtime: engine`). */
  moduleInstances(): string[];
  updateWorker(workerId: string, fields: Record<string, unknown>): boolean;
  registerTrigger(t: Omit<TriggerInstance, 'id' | 'workerId'>): Promise<string>;
  unregisterTrigger(id: string): Promise<boolean>;
  functionsVersion(): number;
  /** Whether the session of `workerId` may call `functionId` (RBAC listeners); true for engine-internal callers. */
  canInvoke(workerId: string | undefined, functionId: string): boolean;
}

declare module '../modules/module.ts' {
  interface Services {
    introspection: IntrospectionService;
  }
}

export function installIntrospection(core: EngineCore, moduleInstances: () => string[]): void {
  const nameOfWorker = (id: string | undefined): string | undefined =>
    id ? (core.connections.get(id)?.info.name ?? undefined) : undefined;
  const svc: IntrospectionService = {
    functions: () => [...core.functions.all()],
    functionWorkerName: (e) => core.functionInfo(e.id)?.workerName ?? e.id.split('::')[0] ?? e.id,
    triggerTypes: () => [...core.triggers.types.values()],
    triggerTypeWorkerName: (t) => nameOfWorker(t.ownerWorkerId) ?? t.ownerModule ?? t.ownerWorkerId ?? 'engine',
    liveTriggers: () => [...core.triggers.live.values()],
    pendingTriggers: () => [...core.triggers.pending.values()],
    workers: () =>
      [...core.connections.values()].map((c: WorkerPeer) => ({
        ...c.info,
        functionCount: c.ownedFunctions.size,
        activeInvocations: core.table.activeFor(c.id),
      })),
    moduleInstances,
    updateWorker: (workerId, f) => {
      const conn = core.connections.get(workerId);
      if (!conn) return false;
      const info = conn.info;
      info.name = cleanLabel(f.name) ?? info.name;
      info.description = cleanLabel(f.description) ?? info.description;
      info.version = typeof f.version === 'string' ? f.version : info.version;
      info.runtime = typeof f.runtime === 'string' ? f.runtime : info.runtime;
      info.os = typeof f.os === 'string' ? f.os : info.os;
      info.pid = typeof f.pid === 'number' ? f.pid : info.pid;
      info.isolation = typeof f.isolation === 'string' ? f.isolation : null;
      info.telemetry = typeof f.telemetry === 'object' && f.telemetry !== null ? (f.telemetry as Record<string, unknown>) : info.telemetry;
      core.emit('worker:updated', { workerId });
      return true;
    },
    registerTrigger: async (t) => {
      const id = crypto.randomUUID();
      const instance: TriggerInstance = { id, ...t };
      await core.triggers.register(instance);
      const type = core.triggers.types.get(t.trigger_type);
      const owner = type?.ownerWorkerId ? core.connections.get(type.ownerWorkerId) : undefined;
      if (owner && core.triggers.live.has(id)) {
        const err = await owner.awaitTriggerAck(id, 10_000);
        if (err) {
          core.triggers.live.delete(id);
          throw new EngineError('trigger_registration_failed', `${err.code}: ${err.message}`);
        }
      }
      return id;
    },
    unregisterTrigger: (id) => core.triggers.unregister(id),
    functionsVersion: () => core.functions.changeVersion,
    canInvoke: (workerId, functionId) => {
      const conn = workerId ? core.connections.get(workerId) : undefined;
      return conn ? conn.session.checkInvoke(functionId).allowed : true;
    },
  };
  core.services.provide('introspection', svc);
}
