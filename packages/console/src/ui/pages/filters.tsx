/** Filter forms that live in the URL query, so a filtered view can be linked and survives reloads. */
import type { ComponentChildren } from 'preact';
import { setParams } from '../router.ts';

/** A form whose named fields become the page's query on submit. */
export function FilterForm({ children }: { children: ComponentChildren }) {
  const submit = (e: Event): void => {
    e.preventDefault();
    const data = new FormData(e.target as HTMLFormElement);
    const params: Record<string, string> = {};
    data.forEach((v, k) => {
      if (typeof v === 'string' && v !== '') params[k] = v;
    });
    setParams(params);
  };
  return (
    <form class="bar" id="filters" onSubmit={submit}>
      {children}
      <button type="submit">Filter</button>
    </form>
  );
}

/** `<input type="datetime-local">` value (local time) → epoch ms. */
export function localToMs(value: string | null): number | undefined {
  if (!value) return undefined;
  const t = new Date(value).getTime();
  return Number.isNaN(t) ? undefined : t;
}

export function TimeRange({ params }: { params: URLSearchParams }) {
  return (
    <>
      <label class="dim">
        from <input type="datetime-local" step="1" name="from" value={params.get('from') ?? ''} />
      </label>
      <label class="dim">
        to <input type="datetime-local" step="1" name="to" value={params.get('to') ?? ''} />
      </label>
    </>
  );
}
