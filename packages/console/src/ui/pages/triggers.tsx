/**
 * Triggers: every registered trigger, and what can be done with one from here: send a test request to
 * an `http` trigger (`http::request`), run a `cron` trigger now (`cron::run`), publish to the topic of a
 * `subscribe` / `durable:subscriber` trigger (`publish` / `iii::durable::publish`), or to any topic.
 */
import { useState } from 'preact/hooks';
import { fetchResult, useLoad } from '../api.ts';
import { ActionButton, ErrorBox, Json, JsonEditor, Loading, parseJson, short, Table } from '../components.tsx';

interface TriggerRow {
  id: string;
  trigger_type: string;
  function_id: string;
  worker_name: string;
  config: Record<string, unknown> | null;
  config_summary?: string;
}

const str = (v: unknown, fallback = ''): string => (typeof v === 'string' ? v : fallback);

export function TriggersPage() {
  const { data, error, loading } = useLoad(
    () => fetchResult<{ registered_triggers: TriggerRow[] }>('engine::registered-triggers::list'),
    [],
    5000,
  );
  const [open, setOpen] = useState<string>();
  const rows = data?.registered_triggers ?? [];
  const selected = rows.find((t) => t.id === open);
  return (
    <>
      <h2>Triggers</h2>
      <ErrorBox error={error} />
      <Loading when={loading && !data} />
      {selected ? <TriggerAction key={selected.id} trigger={selected} /> : null}
      <Table head={['Type', 'Function', 'Config', 'Worker', '']}>
        {rows.map((t) => (
          <tr key={t.id} data-trigger={t.id} class={t.id === open ? 'selected' : ''}>
            <td>{t.trigger_type}</td>
            <td class="mono">{t.function_id}</td>
            <td class="mono dim">{t.config_summary ?? short(t.config)}</td>
            <td>{t.worker_name}</td>
            <td>
              {actionLabel(t) ? (
                <button type="button" name={`open-${t.trigger_type}`} onClick={() => setOpen(t.id === open ? undefined : t.id)}>
                  {actionLabel(t)}
                </button>
              ) : null}
            </td>
          </tr>
        ))}
      </Table>
      <Publish />
    </>
  );
}

function actionLabel(t: TriggerRow): string | undefined {
  if (t.trigger_type === 'http') return 'Test';
  if (t.trigger_type === 'cron') return 'Run now';
  if (t.trigger_type === 'subscribe' || t.trigger_type === 'durable:subscriber') return 'Publish';
  return undefined;
}

function TriggerAction({ trigger }: { trigger: TriggerRow }) {
  const cfg = trigger.config ?? {};
  if (trigger.trigger_type === 'http') return <HttpTest method={str(cfg.http_method, 'GET')} path={str(cfg.api_path, '/')} />;
  if (trigger.trigger_type === 'cron') return <RunNow trigger={trigger} />;
  return <Publish topic={str(cfg.topic)} durable={trigger.trigger_type === 'durable:subscriber'} />;
}

interface HttpResult {
  status: number;
  headers: Record<string, string>;
  body: unknown;
  duration_ms: number;
}

function HttpTest(props: { method: string; path: string }) {
  const [method, setMethod] = useState(props.method.toUpperCase());
  const [path, setPath] = useState(props.path.startsWith('/') ? props.path : `/${props.path}`);
  const [body, setBody] = useState('{}');
  const [result, setResult] = useState<HttpResult>();
  const parsed = parseJson(body);
  const hasBody = method !== 'GET' && method !== 'HEAD';
  const send = async (): Promise<void> => {
    setResult(undefined);
    const payload = { method, path, ...(hasBody && parsed.ok ? { body: parsed.value } : {}) };
    setResult(await fetchResult<HttpResult>('http::request', payload));
  };
  return (
    <section class="panel" data-action="http-test">
      <h3>Test request</h3>
      <div class="bar">
        <select name="method" value={method} onChange={(e) => setMethod((e.target as HTMLSelectElement).value)}>
          {['GET', 'POST', 'PUT', 'PATCH', 'DELETE', 'HEAD', 'OPTIONS'].map((m) => (
            <option key={m}>{m}</option>
          ))}
        </select>
        <input name="path" class="wide" value={path} onInput={(e) => setPath((e.target as HTMLInputElement).value)} />
        <ActionButton name="send" label="Send" run={send} disabled={hasBody && !parsed.ok} />
      </div>
      {hasBody ? <JsonEditor name="body" value={body} onInput={setBody} rows={5} /> : null}
      {result ? (
        <div class="result">
          <p>
            <b class={`status s${Math.floor(result.status / 100)}xx`}>{result.status}</b> <span class="dim">{result.duration_ms} ms</span>
          </p>
          <Json value={result.headers} class="dim" />
          <Json value={result.body} />
        </div>
      ) : null}
    </section>
  );
}

function RunNow({ trigger }: { trigger: TriggerRow }) {
  const [result, setResult] = useState<{ result: unknown }>();
  const run = async (): Promise<void> => {
    setResult(undefined);
    setResult(await fetchResult<{ result: unknown }>('cron::run', { trigger_id: trigger.id }));
  };
  return (
    <section class="panel" data-action="cron-run">
      <h3>
        Run <span class="mono">{trigger.function_id}</span> now
      </h3>
      <p class="dim">Calls the function once with the cron payload; the schedule is unchanged.</p>
      <ActionButton name="run" label="Run now" run={run} />
      {result ? (
        <div class="result ok">
          <span class="dim">result</span>
          <Json value={result.result} />
        </div>
      ) : null}
    </section>
  );
}

function Publish(props: { topic?: string; durable?: boolean }) {
  const [topic, setTopic] = useState(props.topic ?? '');
  const [durable, setDurable] = useState(props.durable ?? false);
  const [data, setData] = useState('{}');
  const [sent, setSent] = useState<string>();
  const parsed = parseJson(data);
  const publish = async (): Promise<void> => {
    if (!parsed.ok) return;
    setSent(undefined);
    await fetchResult(durable ? 'iii::durable::publish' : 'publish', { topic, data: parsed.value });
    setSent(`published to ${topic}${durable ? ' (durable)' : ''}`);
  };
  return (
    <section class="panel" data-action="publish">
      <h3>Publish to a topic</h3>
      <div class="bar">
        <input name="topic" placeholder="topic" value={topic} onInput={(e) => setTopic((e.target as HTMLInputElement).value)} />
        <label>
          <input type="checkbox" name="durable" checked={durable} onChange={(e) => setDurable((e.target as HTMLInputElement).checked)} />{' '}
          durable
        </label>
        <ActionButton name="publish" label="Publish" run={publish} disabled={!topic || !parsed.ok} />
        {sent ? <span class="ok">{sent}</span> : null}
      </div>
      <JsonEditor name="data" value={data} onInput={setData} rows={4} />
    </section>
  );
}
