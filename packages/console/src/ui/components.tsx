/** Shared pieces: tables, coded errors, JSON display and editing, buttons that run an action. */
import type { ComponentChildren, JSX } from 'preact';
import { useState } from 'preact/hooks';
import { CodedError } from './api.ts';

/** A coded error as the engine gave it: the code, the message, and the trace when there is one. */
export function ErrorBox({ error }: { error: unknown }): JSX.Element | null {
  if (error === undefined || error === null) return null;
  const coded = error instanceof CodedError ? error : undefined;
  const message = error instanceof Error ? error.message : String(error);
  return (
    <div class="error-box" role="alert">
      {coded ? <code class="code">{coded.code}</code> : null} <span class="message">{message}</span>
      {coded?.traceId ? (
        <>
          {' '}
          <a href={`/traces/${coded.traceId}`}>trace</a>
        </>
      ) : null}
    </div>
  );
}

export function Table({ head, children, empty = 'nothing yet' }: { head: string[]; children: ComponentChildren; empty?: string }) {
  const rows = Array.isArray(children) ? children.flat() : children ? [children] : [];
  return (
    <table>
      <thead>
        <tr>
          {head.map((h) => (
            <th key={h}>{h}</th>
          ))}
        </tr>
      </thead>
      <tbody>
        {rows.length > 0 ? (
          rows
        ) : (
          <tr>
            <td colSpan={head.length} class="dim">
              {empty}
            </td>
          </tr>
        )}
      </tbody>
    </table>
  );
}

export function Json({ value, class: cls }: { value: unknown; class?: string }) {
  return <pre class={`json ${cls ?? ''}`}>{JSON.stringify(value, null, 2)}</pre>;
}

/** `JSON.stringify` on one line, cut for table cells. */
export function short(value: unknown, max = 120): string {
  const text = typeof value === 'string' ? value : JSON.stringify(value);
  return text === undefined ? '' : text.length > max ? `${text.slice(0, max)}…` : text;
}

export type Parsed = { ok: true; value: unknown } | { ok: false; message: string };

export function parseJson(text: string): Parsed {
  try {
    return { ok: true, value: JSON.parse(text) };
  } catch (err) {
    return { ok: false, message: err instanceof Error ? err.message : String(err) };
  }
}

/** A JSON text area that says at once when its text is not JSON. */
export function JsonEditor(props: { value: string; onInput: (text: string) => void; rows?: number; name?: string }) {
  const parsed = parseJson(props.value);
  return (
    <div class="json-editor">
      <textarea
        name={props.name ?? 'json'}
        spellcheck={false}
        rows={props.rows ?? 8}
        value={props.value}
        onInput={(e) => props.onInput((e.target as HTMLTextAreaElement).value)}
      />
      {parsed.ok ? null : <div class="hint error">not JSON: {parsed.message}</div>}
    </div>
  );
}

/** A button running an async action: disabled while it runs, its error shown beside it. */
export function ActionButton(props: { label: string; run: () => Promise<void>; disabled?: boolean; name?: string; danger?: boolean }) {
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<unknown>();
  const click = async (): Promise<void> => {
    setBusy(true);
    setError(undefined);
    try {
      await props.run();
    } catch (err) {
      setError(err);
    } finally {
      setBusy(false);
    }
  };
  return (
    <span class="action">
      <button type="button" name={props.name} class={props.danger ? 'danger' : ''} disabled={busy || props.disabled} onClick={click}>
        {busy ? `${props.label}…` : props.label}
      </button>
      <ErrorBox error={error} />
    </span>
  );
}

export function Loading({ when }: { when: boolean }) {
  return when ? <p class="dim">loading…</p> : null;
}

export const ms = (start: bigint | number, end: bigint | number): number => Math.max(0, (Number(end) - Number(start)) / 1e6);

/** hh:mm:ss.mmm of a nanosecond timestamp, local time. */
export function clock(nanos: number | string): string {
  const millis = Number(nanos) / 1e6;
  const d = new Date(millis);
  return `${d.toLocaleTimeString(undefined, { hour12: false })}.${String(Math.floor(millis) % 1000).padStart(3, '0')}`;
}
