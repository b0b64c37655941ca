/**
 * State: scopes (`state::list_groups`) → keys (`state::list_entries`) → the value, edited as JSON
 * (`state::set`) or deleted (`state::delete`). The selection lives in the URL (`?scope=…&key=…`).
 */
import { useState } from 'preact/hooks';
import { fetchResult, useLoad } from '../api.ts';
import { ActionButton, ErrorBox, JsonEditor, parseJson, short } from '../components.tsx';
import { type Route, setParams } from '../router.ts';

interface Entry {
  key: string;
  value: unknown;
}

export function StatePage({ route }: { route: Route }) {
  const scope = route.params.get('scope') ?? '';
  const key = route.params.get('key') ?? '';
  const scopes = useLoad(() => fetchResult<{ groups: string[] }>('state::list_groups'), [], 5000);
  const entries = useLoad(
    () => (scope ? fetchResult<{ entries: Entry[]; total: number }>('state::list_entries', { scope }) : Promise.resolve(undefined)),
    [scope],
    5000,
  );
  const entry = entries.data?.entries.find((e) => e.key === key);
  const reload = (): void => {
    scopes.reload();
    entries.reload();
  };
  return (
    <>
      <h2>State</h2>
      <ErrorBox error={scopes.error ?? entries.error} />
      <div class="columns">
        <div class="column" data-column="scopes">
          <h3>Scopes</h3>
          <ul class="pick">
            {(scopes.data?.groups ?? []).map((s) => (
              <li key={s} class={s === scope ? 'on' : ''}>
                <a href={`/state?scope=${encodeURIComponent(s)}`}>{s}</a>
              </li>
            ))}
          </ul>
        </div>
        <div class="column" data-column="keys">
          <h3>Keys {entries.data ? <span class="dim">({entries.data.total})</span> : null}</h3>
          <ul class="pick">
            {(entries.data?.entries ?? []).map((e) => (
              <li key={e.key} class={e.key === key ? 'on' : ''}>
                <a href={`/state?scope=${encodeURIComponent(scope)}&key=${encodeURIComponent(e.key)}`}>{e.key}</a>
                <span class="dim mono"> {short(e.value, 40)}</span>
              </li>
            ))}
          </ul>
        </div>
        <div class="column wide" data-column="value">
          {/* Keyed on whether the value has arrived too: the editor takes its text once, when it mounts. */}
          {scope ? (
            <ValueEditor
              key={`${scope}\u0000${key}\u0000${entry !== undefined}`}
              scope={scope}
              entryKey={key}
              value={entry?.value}
              onChange={reload}
            />
          ) : null}
        </div>
      </div>
    </>
  );
}

function ValueEditor(props: { scope: string; entryKey: string; value: unknown; onChange: () => void }) {
  const [key, setKey] = useState(props.entryKey);
  const [text, setText] = useState(props.value === undefined ? '{}' : JSON.stringify(props.value, null, 2));
  const [saved, setSaved] = useState<string>();
  const parsed = parseJson(text);
  const save = async (): Promise<void> => {
    if (!parsed.ok) return;
    setSaved(undefined);
    await fetchResult('state::set', { scope: props.scope, key, value: parsed.value });
    setSaved(`saved ${key}`);
    if (key !== props.entryKey) setParams({ scope: props.scope, key });
    props.onChange();
  };
  const remove = async (): Promise<void> => {
    await fetchResult('state::delete', { scope: props.scope, key: props.entryKey });
    setParams({ scope: props.scope });
    props.onChange();
  };
  return (
    <>
      <h3>{props.entryKey ? 'Value' : 'New key'}</h3>
      <div class="bar">
        <input name="key" placeholder="key" value={key} onInput={(e) => setKey((e.target as HTMLInputElement).value)} />
        <ActionButton name="save" label="Save" run={save} disabled={!key || !parsed.ok} />
        {props.entryKey ? <ActionButton name="delete" label="Delete" danger run={remove} /> : null}
        {saved ? <span class="ok">{saved}</span> : null}
      </div>
      <JsonEditor name="value" value={text} onInput={setText} rows={14} />
    </>
  );
}
