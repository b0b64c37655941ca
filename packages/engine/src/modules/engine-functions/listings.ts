/** The read side of `engine::*`: functions, trigger types, registered triggers and workers (protocol.md §5.1). */

import { z } from 'zod';
import { ENGINE_VERSION } from '../../core/engine-core.ts';
import { EngineError } from '../../core/errors/index.ts';
import type { FunctionEntry } from '../../core/functions.ts';
import type { IntrospectionService } from '../../core/introspection.ts';
import type { TriggerTypeEntry } from '../../core/triggers.ts';
import { defineFunction } from '../define-function.ts';
import type { ModuleContext, TriggerInstance } from '../module.ts';

const isInternalFn = (f: FunctionEntry): boolean =>
  (f.id.startsWith('engine::') && !f.id.startsWith('engine::queue::')) || f.metadata?.internal === true;

export function registerListings(ctx: ModuleContext, intro: IntrospectionService): void {
  const summary = (f: FunctionEntry) => ({
    function_id: f.id,
    worker_name: intro.functionWorkerName(f),
    ...(f.description !== undefined ? { description: f.description } : {}),
    ...(f.metadata ? { metadata: f.metadata } : {}),
  });
  const detail = (f: FunctionEntry) => ({
    ...summary(f),
    ...(f.request_format ? { request_schema: f.request_format } : {}),
    ...(f.response_format ? { response_schema: f.response_format } : {}),
    registered_triggers: intro
      .liveTriggers()
      .filter((t) => t.function_id === f.id)
      .map((t) => ({ id: t.id, trigger_type: t.trigger_type, config: t.config })),
  });
  const typeSummary = (t: TriggerTypeEntry) => ({
    id: t.id,
    worker_name: intro.triggerTypeWorkerName(t),
    description: t.description ?? '',
  });
  const typeDetail = (t: TriggerTypeEntry) => ({
    ...typeSummary(t),
    ...(t.configuration_schema ? { configuration_schema: t.configuration_schema } : {}),
    ...(t.request_schema ? { request_schema: t.request_schema } : {}),
    ...(t.response_schema ? { response_schema: t.response_schema } : {}),
    instance_count: intro.liveTriggers().filter((x) => x.trigger_type === t.id).length,
  });
  const triggerWorker = (t: TriggerInstance): string => {
    const f = intro.functions().find((x) => x.id === t.function_id);
    return f ? intro.functionWorkerName(f) : (t.function_id.split('::')[0] ?? t.function_id);
  };
  const triggerSummary = (t: TriggerInstance) => {
    const json = JSON.stringify(t.config ?? null);
    return {
      id: t.id,
      trigger_type: t.trigger_type,
      function_id: t.function_id,
      worker_name: triggerWorker(t),
      config: t.config ?? null,
      config_summary: json.length > 80 ? `${json.slice(0, 80)}…` : json,
    };
  };

  ctx.engine.registerFunction(
    defineFunction({
      id: 'engine::functions::list',
      description: 'List registered functions',
      input: z.looseObject({
        search: z.string().optional(),
        prefix: z.string().optional(),
        worker: z.string().optional(),
        workers: z.array(z.string()).optional(),
        include_internal: z.boolean().optional(),
      }),
      handler: (q, call) => {
        let rows = intro.functions().filter((f) => (q.include_internal || !isInternalFn(f)) && intro.canInvoke(call.callerWorkerId, f.id));
        if (q.prefix) rows = rows.filter((f) => f.id.startsWith(q.prefix as string));
        const names = [...(q.worker ? [q.worker] : []), ...(q.workers ?? [])];
        if (names.length) rows = rows.filter((f) => names.includes(intro.functionWorkerName(f)));
        if (q.search) {
          const needle = q.search.toLowerCase();
          const rank = (f: FunctionEntry): number => {
            const id = f.id.toLowerCase();
            if (id.startsWith(needle) || id.split('::').some((seg) => seg.startsWith(needle))) return 0;
            if (id.includes(needle)) return 1;
            return (f.description ?? '').toLowerCase().includes(needle) ? 2 : 3;
          };
          rows = rows.filter((f) => rank(f) < 3).sort((a, b) => rank(a) - rank(b) || a.id.localeCompare(b.id));
        } else rows.sort((a, b) => a.id.localeCompare(b.id));
        return { functions: rows.map(summary) };
      },
    }),
  );

  ctx.engine.registerFunction(
    defineFunction({
      id: 'engine::functions::info',
      description: 'Describe one function, or up to 32',
      input: z.looseObject({ function_id: z.string().optional(), function_ids: z.array(z.string()).optional() }),
      handler: (q, call) => {
        if ((q.function_id === undefined) === (q.function_ids === undefined))
          throw new EngineError('INVALID_ARGUMENTS', 'pass exactly one of function_id or function_ids');
        const visible = (id: string): boolean => intro.canInvoke(call.callerWorkerId, id);
        const find = (id: string) => intro.functions().find((f) => f.id === id);
        if (q.function_id !== undefined) {
          if (!visible(q.function_id)) throw new EngineError('FORBIDDEN', `Function '${q.function_id}' is not visible to this session.`);
          const f = find(q.function_id);
          if (!f) throw new EngineError('NOT_FOUND', `Function '${q.function_id}' is not registered.`);
          return detail(f);
        }
        const ids = [...new Set(q.function_ids)];
        if (ids.length === 0 || ids.length > 32) throw new EngineError('INVALID_ARGUMENTS', 'function_ids must hold 1 to 32 ids');
        return {
          functions: ids.map((id) =>
            !visible(id)
              ? { function_id: id, error: 'forbidden' }
              : find(id)
                ? detail(find(id) as FunctionEntry)
                : { function_id: id, error: 'not_found' },
          ),
        };
      },
    }),
  );

  ctx.engine.registerFunction(
    defineFunction({
      id: 'engine::triggers::list',
      description: 'List trigger types',
      input: z.looseObject({
        search: z.string().optional(),
        prefix: z.string().optional(),
        worker: z.string().optional(),
        include_internal: z.boolean().optional(),
      }),
      handler: (q) => {
        let rows = intro.triggerTypes().filter((t) => q.include_internal || !t.id.startsWith('engine::'));
        if (q.prefix) rows = rows.filter((t) => t.id.startsWith(q.prefix as string));
        if (q.worker) rows = rows.filter((t) => intro.triggerTypeWorkerName(t) === q.worker);
        if (q.search)
          rows = rows.filter((t) => `${t.id} ${t.description ?? ''}`.toLowerCase().includes((q.search as string).toLowerCase()));
        return { triggers: rows.sort((a, b) => a.id.localeCompare(b.id)).map(typeSummary) };
      },
    }),
  );

  ctx.engine.registerFunction(
    defineFunction({
      id: 'engine::triggers::info',
      description: 'Describe a trigger type',
      input: z.looseObject({ id: z.string() }),
      handler: (q) => {
        const t = intro.triggerTypes().find((x) => x.id === q.id);
        if (!t) throw new EngineError('NOT_FOUND', `Trigger type '${q.id}' is not registered.`);
        return typeDetail(t);
      },
    }),
  );

  ctx.engine.registerFunction(
    defineFunction({
      id: 'engine::registered-triggers::list',
      description: 'List registered triggers',
      input: z.looseObject({
        search: z.string().optional(),
        trigger_type: z.string().optional(),
        function_id: z.string().optional(),
        worker: z.string().optional(),
        include_internal: z.boolean().optional(),
      }),
      handler: (q) => {
        let rows = intro.liveTriggers().filter((t) => q.include_internal || !t.function_id.startsWith('engine::'));
        if (q.trigger_type) rows = rows.filter((t) => t.trigger_type === q.trigger_type);
        if (q.function_id) rows = rows.filter((t) => t.function_id === q.function_id);
        if (q.worker) rows = rows.filter((t) => triggerWorker(t) === q.worker);
        if (q.search)
          rows = rows.filter((t) =>
            `${t.id} ${t.trigger_type} ${t.function_id}`.toLowerCase().includes((q.search as string).toLowerCase()),
          );
        return { registered_triggers: rows.sort((a, b) => a.id.localeCompare(b.id)).map(triggerSummary) };
      },
    }),
  );

  ctx.engine.registerFunction(
    defineFunction({
      id: 'engine::registered-triggers::info',
      description: 'Describe a registered trigger',
      input: z.looseObject({ id: z.string() }),
      handler: (q) => {
        const t = intro.liveTriggers().find((x) => x.id === q.id);
        if (!t) throw new EngineError('NOT_FOUND', `Registered trigger '${q.id}' was not found.`);
        const type = intro.triggerTypes().find((x) => x.id === t.trigger_type);
        const f = intro.functions().find((x) => x.id === t.function_id);
        return {
          ...triggerSummary(t),
          ...(t.metadata !== undefined ? { metadata: t.metadata } : {}),
          trigger: type ? typeDetail(type) : null,
          function: f ? detail(f) : null,
        };
      },
    }),
  );

  const workerRows = () => {
    const ws = intro
      .workers()
      // Only workers that announced themselves (engine::workers::register); a browser tab has no pid.
      .filter((w) => w.pid !== null || w.runtime !== 'unknown')
      .map((w) => ({
        name: w.name ?? w.id,
        description: w.description,
        version: w.version,
        id: w.id,
        runtime: w.runtime,
        os: w.os,
        status: 'connected',
        function_count: w.functionCount,
        connected_at_ms: w.connectedAtMs,
        active_invocations: w.activeInvocations,
        isolation: w.isolation,
        ip_address: w.ipAddress,
        pid: w.pid,
      }));
    const builtins = intro.moduleInstances().map((name) => ({
      name,
      description: null,
      version: ENGINE_VERSION,
      id: name,
      runtime: 'engine',
      os: null,
      status: 'available',
      function_count: intro.functions().filter((f) => f.target.kind === 'local' && f.target.owner === name).length,
      connected_at_ms: null,
      active_invocations: 0,
      isolation: 'in-process',
      ip_address: null,
      pid: process.pid,
    }));
    return [...ws, ...builtins].sort((a, b) => a.name.localeCompare(b.name) || a.id.localeCompare(b.id));
  };

  ctx.engine.registerFunction(
    defineFunction({
      id: 'engine::workers::list',
      description: 'List connected workers and built-in workers',
      input: z.looseObject({ search: z.string().optional(), runtime: z.string().optional(), status: z.string().optional() }),
      handler: (q) => {
        let rows = workerRows();
        if (q.runtime) rows = rows.filter((w) => w.runtime === q.runtime);
        if (q.status) rows = rows.filter((w) => w.status === q.status);
        if (q.search)
          rows = rows.filter((w) => `${w.name} ${w.description ?? ''}`.toLowerCase().includes((q.search as string).toLowerCase()));
        return { workers: rows.map(({ pid: _pid, ...w }) => w) };
      },
    }),
  );

  ctx.engine.registerFunction(
    defineFunction({
      id: 'engine::workers::info',
      description: 'Describe a worker by name',
      input: z.looseObject({ name: z.string() }),
      handler: (q) => {
        const w = workerRows().find((x) => x.name === q.name);
        if (!w) throw new EngineError('NOT_FOUND', `Worker '${q.name}' is not connected.`);
        const owned = intro
          .functions()
          .filter((f) => (w.runtime === 'engine' ? f.target.kind === 'local' && f.target.owner === w.name : f.target.workerId === w.id));
        const ownedIds = new Set(owned.map((f) => f.id));
        return {
          worker: {
            ...w,
            internal: w.runtime === 'engine',
            // protocol.md §7.4: derived from the worker's latest iii.worker.* gauges (observability module).
            ...(() => {
              const latest = w.runtime === 'engine' ? undefined : ctx.engine.services.get('telemetry')?.latestWorkerMetrics(w.id);
              return latest ? { latest_metrics: latest } : {};
            })(),
          },
          functions: owned.map(summary),
          trigger_types: intro
            .triggerTypes()
            .filter((t) => t.ownerWorkerId === w.id || t.ownerModule === w.name)
            .map(typeSummary),
          registered_triggers: intro
            .liveTriggers()
            .filter((t) => ownedIds.has(t.function_id))
            .map(triggerSummary),
        };
      },
    }),
  );

  ctx.engine.registerFunction(
    defineFunction({
      id: 'engine::workers::register',
      description: 'Report worker metadata (sent by every SDK on connect)',
      input: z.looseObject({ _caller_worker_id: z.string().optional() }),
      handler: (q, call) => {
        const id = call.callerWorkerId ?? q._caller_worker_id;
        if (!id || !intro.updateWorker(id, q))
          throw new EngineError('NOT_FOUND', 'engine::workers::register must be called by a connected worker');
        return { success: true };
      },
    }),
  );
}
