/**
 * Configuration: every `config/<id>.yaml` entry of the configuration worker (`configuration::list`);
 * one entry's page (`/config/<id>`) edits its value as YAML (sorted keys, as in the file) next to its JSON Schema. Save calls
 * `configuration::set`, which validates against the schema (a violation comes back as `SCHEMA_INVALID`
 * listing each problem, and nothing is written) and applies the value to the running worker.
 */
import { useEffect, useState } from 'preact/hooks';
import { fetchResult, useLoad } from '../api.ts';
import { ActionButton, ErrorBox, Json, Loading, type Parsed, Table } from '../components.tsx';
import type { Route } from '../router.ts';

interface ConfigEntry {
  id: string;
  name: string;
  description: string;
  schema: unknown;
}

export function ConfigPage({ route }: { route: Route }) {
  return route.rest ? <ConfigView id={route.rest} /> : <ConfigList />;
}

function ConfigList() {
  const { data, error, loading } = useLoad(() => fetchResult<{ configurations: ConfigEntry[] }>('configuration::list'), []);
  return (
    <>
      <h2>Configuration</h2>
      <p class="dim">Each entry is a config/&lt;id&gt;.yaml file; a saved change is validated, written and applied live.</p>
      <ErrorBox error={error} />
      <Loading when={loading && !data} />
      <Table head={['Id', 'Name', 'Description']}>
        {(data?.configurations ?? []).map((c) => (
          <tr key={c.id}>
            <td class="mono">
              <a href={`/config/${encodeURIComponent(c.id)}`}>{c.id}</a>
            </td>
            <td>{c.name}</td>
            <td class="dim">{c.description}</td>
          </tr>
        ))}
      </Table>
    </>
  );
}

function ConfigView({ id }: { id: string }) {
  const value = useLoad(() => fetchResult<{ id: string; value: unknown }>('configuration::get', { id, raw: true }), [id]);
  const schema = useLoad(() => fetchResult<{ schema: unknown }>('configuration::schema', { id }), [id]);
  return (
    <>
      <p>
        <a href="/config">← configuration</a> <b class="mono">config/{id}.yaml</b>
      </p>
      <ErrorBox error={value.error} />
      {value.data ? <Editor key={id} id={id} initial={value.data.value} /> : <Loading when={value.loading} />}
      {schema.data ? (
        <details>
          <summary>Schema</summary>
          <Json value={schema.data.schema} class="schema" />
        </details>
      ) : null}
    </>
  );
}

type Yaml = typeof import('yaml');

/** The YAML library, loaded when this page first needs it (a chunk of its own: other pages never pay for it). */
function useYaml(): Yaml | undefined {
  const [yaml, setYaml] = useState<Yaml>();
  useEffect(() => {
    void import('yaml').then((m) => setYaml(() => m));
  }, []);
  return yaml;
}

function parseYaml(yaml: Yaml, text: string): Parsed {
  try {
    return { ok: true, value: yaml.parse(text) };
  } catch (err) {
    return { ok: false, message: err instanceof Error ? err.message : String(err) };
  }
}

/** The value as YAML with sorted keys, as the file holds it; JSON is YAML too, so either can be typed. */
function Editor({ id, initial }: { id: string; initial: unknown }) {
  const yaml = useYaml();
  return yaml ? <YamlEditor yaml={yaml} id={id} initial={initial} /> : <Loading when />;
}

function YamlEditor({ yaml, id, initial }: { yaml: Yaml; id: string; initial: unknown }) {
  const [text, setText] = useState(() => yaml.stringify(initial ?? {}, { sortMapEntries: true }));
  const [saved, setSaved] = useState<string>();
  const parsed = parseYaml(yaml, text);
  const save = async (): Promise<void> => {
    if (!parsed.ok) return;
    setSaved(undefined);
    await fetchResult('configuration::set', { id, value: parsed.value });
    setSaved(`saved and applied at ${new Date().toLocaleTimeString(undefined, { hour12: false })}`);
  };
  return (
    <section>
      <textarea name="config" spellcheck={false} rows={20} value={text} onInput={(e) => setText((e.target as HTMLTextAreaElement).value)} />
      {parsed.ok ? null : <div class="hint error">not YAML: {parsed.message}</div>}
      <div class="bar">
        <ActionButton name="save" label="Save and apply" run={save} disabled={!parsed.ok} />
        {saved ? <span class="ok">{saved}</span> : null}
      </div>
    </section>
  );
}
