/** `expose_functions` filters (protocol.md §9.4): `match("glob")` strings or `{metadata: {...}}` objects, OR'd. */

function globToRegExp(glob: string): RegExp {
  const escaped = glob.replace(/[.+?^${}()|[\]\\]/g, '\\$&').replace(/\*/g, '.*');
  return new RegExp(`^${escaped}$`);
}

/** `match("x::*")` or `match('x::*')` → the glob; anything else is taken literally. */
export function parseMatch(v: string): RegExp {
  const m = /^match\((["'])(.*)\1\)$/.exec(v.trim());
  return globToRegExp(m ? (m[2] as string) : v);
}

export function compileFilters(
  filters: readonly unknown[],
  metadataOf: (id: string) => Record<string, unknown> | undefined,
): (id: string) => boolean {
  const tests = filters.map((f): ((id: string) => boolean) => {
    if (typeof f === 'string') {
      const re = parseMatch(f);
      return (id) => re.test(id);
    }
    const wanted = (f as { metadata: Record<string, unknown> }).metadata;
    return (id) => {
      const md = metadataOf(id);
      if (!md) return false;
      return Object.entries(wanted).every(([k, expected]) => {
        const actual = md[k];
        if (typeof expected === 'string' && /^match\(/.test(expected))
          return typeof actual === 'string' && parseMatch(expected).test(actual);
        return JSON.stringify(actual) === JSON.stringify(expected);
      });
    };
  });
  return (id) => tests.some((t) => t(id));
}
