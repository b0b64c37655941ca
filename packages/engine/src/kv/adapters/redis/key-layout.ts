/**
 * Where the redis adapter keeps things. Data keys follow the reference engine's redis layout so a Redis
 * user finds them where iii's docs say: hash `state:<scope>` / `stream:<stream>:<group>`, field = key,
 * value = JSON text. Our additions use `<namespace>#…`, which no data key can start with (data keys are
 * `<namespace>:…`), so they never collide with a scope whatever its name:
 *
 * | key | type | holds |
 * |---|---|---|
 * | `<p><ns>:<scope>` | hash | key → JSON text |
 * | `<p><ns>#order:<scope>` | sorted set | key → insertion sequence (lists keep insertion order) |
 * | `<p><ns>#seq` | string | the insertion sequence counter |
 * | `<p><ns>#scopes` | set | non-empty scopes (list_groups without KEYS/SCAN) |
 * | `<p><ns>#feed` | stream | the change feed (see redis-feed.ts) |
 *
 * `<p>` is the `key_prefix` option (default empty).
 */

export interface KeyLayout {
  hash(scope: string): string;
  order(scope: string): string;
  readonly seq: string;
  readonly scopes: string;
  readonly feed: string;
}

/** `scopeName` maps a scope to its name inside keys (stream: `<stream>:<group>`); default: the scope itself. */
export function keyLayout(prefix: string, namespace: string, scopeName: (scope: string) => string = (s) => s): KeyLayout {
  const base = `${prefix}${namespace}`;
  return {
    hash: (scope) => `${base}:${scopeName(scope)}`,
    order: (scope) => `${base}#order:${scopeName(scope)}`,
    seq: `${base}#seq`,
    scopes: `${base}#scopes`,
    feed: `${base}#feed`,
  };
}

/**
 * A name segment safe to join with `:`: `%` and `:` are percent-encoded, so `a:b`/`c` and `a`/`b:c` get
 * different keys (the reference garbles such names). Names without those characters are unchanged.
 */
export function keySegment(name: string): string {
  return name.replace(/%/g, '%25').replace(/:/g, '%3A');
}
