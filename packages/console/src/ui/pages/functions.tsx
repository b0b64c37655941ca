/**
 * Functions: the list, and one function's page (`/functions/<id>`) with its request schema, a JSON
 * editor and Invoke: the result or the coded error, and a link to the trace the call produced.
 */
import { useState } from 'preact/hooks';
import { type Called, call, fetchResult, useLoad } from '../api.ts';
import { ActionButton, ErrorBox, Json, JsonEditor, Loading, parseJson, Table } from '../components.tsx';
import type { Route } from '../router.ts';
import { skeleton } from '../schema.ts';

interface FunctionRow {
  function_id: string;
  worker_name: string;
  description?: string;
}

interface FunctionDetail extends FunctionRow {
  request_schema?: unknown;
  response_schema?: unknown;
  registered_triggers: Array<{ id: string; trigger_type: string; config: unknown }>;
}

export function FunctionsPage({ route }: { route: Route }) {
  return route.rest ? <FunctionView id={route.rest} /> : <FunctionList />;
}

function FunctionList() {
  const [filter, setFilter] = useState('');
  const { data, error, loading } = useLoad(() => fetchResult<{ functions: FunctionRow[] }>('engine::functions::list'), [], 5000);
  const rows = (data?.functions ?? []).filter((f) => f.function_id.includes(filter) || f.worker_name.includes(filter));
  return (
    <>
      <h2>Functions</h2>
      <div class="bar">
        <input
          name="filter"
          placeholder="filter by id or worker"
          value={filter}
          onInput={(e) => setFilter((e.target as HTMLInputElement).value)}
        />
        <span class="dim">{rows.length} functions</span>
      </div>
      <ErrorBox error={error} />
      <Loading when={loading && !data} />
      {data ? (
        <Table head={['Function', 'Worker', 'Description']}>
          {rows.map((f) => (
            <tr key={f.function_id}>
              <td class="mono">
                <a href={`/functions/${encodeURIComponent(f.function_id)}`}>{f.function_id}</a>
              </td>
              <td>{f.worker_name}</td>
              <td class="dim">{f.description ?? ''}</td>
            </tr>
          ))}
        </Table>
      ) : null}
    </>
  );
}

function FunctionView({ id }: { id: string }) {
  const { data, error } = useLoad(() => fetchResult<FunctionDetail>('engine::functions::info', { function_id: id }), [id]);
  return (
    <>
      <p>
        <a href="/functions">← functions</a> <b class="mono">{id}</b> {data ? <span class="dim">on {data.worker_name}</span> : null}
      </p>
      <ErrorBox error={error} />
      {data ? (
        <>
          {data.description ? <p class="dim">{data.description}</p> : null}
          <Invoke id={id} schema={data.request_schema} />
          {data.request_schema ? (
            <details open>
              <summary>Request schema</summary>
              <Json value={data.request_schema} class="schema" />
            </details>
          ) : (
            <p class="dim">This function declares no request schema.</p>
          )}
          {data.registered_triggers.length > 0 ? (
            <>
              <h3>Triggers</h3>
              <Table head={['Type', 'Config', 'Id']}>
                {data.registered_triggers.map((t) => (
                  <tr key={t.id}>
                    <td>{t.trigger_type}</td>
                    <td class="mono">{JSON.stringify(t.config)}</td>
                    <td class="mono dim">{t.id}</td>
                  </tr>
                ))}
              </Table>
            </>
          ) : null}
        </>
      ) : null}
    </>
  );
}

function Invoke({ id, schema }: { id: string; schema: unknown }) {
  const [text, setText] = useState(() => JSON.stringify(skeleton(schema) ?? {}, null, 2));
  const [outcome, setOutcome] = useState<{ called?: Called<unknown>; error?: unknown }>();
  const parsed = parseJson(text);
  const invoke = async (): Promise<void> => {
    if (!parsed.ok) return;
    setOutcome(undefined);
    try {
      setOutcome({ called: await call(id, parsed.value, { trace: true }) });
    } catch (error) {
      setOutcome({ error });
    }
  };
  const traceId = outcome?.called?.traceId;
  return (
    <section class="invoke">
      <h3>Invoke</h3>
      <JsonEditor name="payload" value={text} onInput={setText} />
      <div class="bar">
        <ActionButton name="invoke" label="Invoke" run={invoke} disabled={!parsed.ok} />
        {traceId ? (
          <a class="trace-link" href={`/traces/${traceId}`}>
            trace {traceId.slice(0, 8)}…
          </a>
        ) : null}
      </div>
      {outcome?.called ? (
        <div class="result ok">
          <span class="dim">result</span>
          <Json value={outcome.called.result} />
        </div>
      ) : null}
      <ErrorBox error={outcome?.error} />
    </section>
  );
}
