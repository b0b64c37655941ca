/**
 * The HTTP route table (workers.md §1.2): a segment trie shared by all methods, so lookups cost one
 * map probe per path segment no matter how many routes exist (no linear regex scan).
 *
 * - `:name` segments are path params; everything else matches exactly (no trailing-slash folding).
 * - Static segments win over params; the search backtracks, so `/a/:x/c` still matches `/a/b/c`
 *   when `/a/b` exists only as a prefix of other routes.
 * - Same method + path replaces the route; same method + same shape with different param names
 *   throws `E_HTTP_ROUTE_CONFLICT` and leaves the existing route serving.
 * - `remove` only deletes a route still owned by the given trigger id.
 */
import { EngineError } from '../../core/errors/index.ts';

export interface Route<T> {
  method: string;
  /** The registered pattern with a leading `/`, e.g. `/s/:code`. */
  path: string;
  /** Param names in the order their segments appear. */
  paramNames: string[];
  /** Trigger id owning the route. */
  owner: string;
  value: T;
}

export type RouteMatch<T> =
  | { kind: 'found'; route: Route<T>; params: Record<string, string> }
  /** The path exists under other methods. */
  | { kind: 'method_not_allowed'; allowed: string[] }
  | { kind: 'not_found' };

interface Node<T> {
  statics: Map<string, Node<T>>;
  param: Node<T> | undefined;
  routes: Map<string, Route<T>>;
}

function newNode<T>(): Node<T> {
  return { statics: new Map(), param: undefined, routes: new Map() };
}

/** `links/:code` → `/links/:code` (a missing leading `/` is added). */
export function normalizePath(path: string): string {
  return path.startsWith('/') ? path : `/${path}`;
}

function segmentsOf(path: string): string[] {
  // The leading '/' is dropped; `/` is one empty segment, `/a/` is ['a', ''].
  return path.slice(1).split('/');
}

export class Router<T> {
  private readonly root: Node<T> = newNode();
  private count = 0;

  get size(): number {
    return this.count;
  }

  /** Add or replace a route. Throws `E_HTTP_ROUTE_CONFLICT` / `E_HTTP_BAD_ROUTE`; on throw nothing changes. */
  add(method: string, rawPath: string, owner: string, value: T): Route<T> {
    const path = normalizePath(rawPath);
    const created: Array<() => void> = [];
    try {
      const { node, paramNames } = this.walkCreating(path, created);
      const existing = node.routes.get(method);
      if (existing && existing.path !== path) {
        throw new EngineError(
          'E_HTTP_ROUTE_CONFLICT',
          `${method} ${path} conflicts with ${method} ${existing.path}: routes with identical structure but different path-parameter names are not supported`,
        );
      }
      const route: Route<T> = { method, path, paramNames, owner, value };
      node.routes.set(method, route);
      if (!existing) this.count++;
      return route;
    } catch (err) {
      // Leave the trie exactly as it was: no empty branches from a refused route.
      for (const undo of created.reverse()) undo();
      throw err;
    }
  }

  private walkCreating(path: string, created: Array<() => void>): { node: Node<T>; paramNames: string[] } {
    const paramNames: string[] = [];
    let node = this.root;
    for (const seg of segmentsOf(path)) {
      if (seg.startsWith(':')) {
        const name = seg.slice(1);
        if (name === '') throw new EngineError('E_HTTP_BAD_ROUTE', `api_path ${path}: a ':' segment needs a parameter name`);
        if (paramNames.includes(name)) throw new EngineError('E_HTTP_BAD_ROUTE', `api_path ${path}: parameter ':${name}' appears twice`);
        paramNames.push(name);
        node = node.param ?? this.attach(node, undefined, created);
      } else {
        node = node.statics.get(seg) ?? this.attach(node, seg, created);
      }
    }
    return { node, paramNames };
  }

  /** Remove `method path` if `owner` still owns it; returns whether a route was removed. */
  remove(method: string, rawPath: string, owner: string): boolean {
    const path = normalizePath(rawPath);
    const trail: Array<{ parent: Node<T>; seg: string | undefined; node: Node<T> }> = [];
    let node = this.root;
    for (const seg of segmentsOf(path)) {
      const isParam = seg.startsWith(':');
      const next = isParam ? node.param : node.statics.get(seg);
      if (!next) return false;
      trail.push({ parent: node, seg: isParam ? undefined : seg, node: next });
      node = next;
    }
    const route = node.routes.get(method);
    if (!route || route.owner !== owner || route.path !== path) return false;
    node.routes.delete(method);
    this.count--;
    this.prune(trail);
    return true;
  }

  /** Look up a concrete request path (raw, not percent-decoded). */
  match(method: string, path: string): RouteMatch<T> {
    const segs = segmentsOf(path.startsWith('/') ? path : `/${path}`);
    const values: string[] = [];
    const hit = findWithMethod(this.root, segs, 0, method, values);
    if (hit) return { kind: 'found', route: hit, params: paramsOf(hit, values) };
    // HEAD falls back to GET (Node drops the body for HEAD responses).
    if (method === 'HEAD') {
      const getValues: string[] = [];
      const get = findWithMethod(this.root, segs, 0, 'GET', getValues);
      if (get) return { kind: 'found', route: get, params: paramsOf(get, getValues) };
    }
    const any = findAny(this.root, segs, 0);
    if (any) return { kind: 'method_not_allowed', allowed: [...any.routes.keys()].sort() };
    return { kind: 'not_found' };
  }

  /** Every route, for listings and tests. */
  *routes(): Iterable<Route<T>> {
    const stack: Node<T>[] = [this.root];
    for (let n = stack.pop(); n; n = stack.pop()) {
      yield* n.routes.values();
      stack.push(...n.statics.values());
      if (n.param) stack.push(n.param);
    }
  }

  private attach(parent: Node<T>, seg: string | undefined, created: Array<() => void>): Node<T> {
    const child = newNode<T>();
    if (seg === undefined) {
      parent.param = child;
      created.push(() => {
        if (parent.param === child) parent.param = undefined;
      });
    } else {
      parent.statics.set(seg, child);
      created.push(() => parent.statics.delete(seg));
    }
    return child;
  }

  /** Drop nodes left empty by a removal, deepest first, so the trie does not grow forever. */
  private prune(trail: Array<{ parent: Node<T>; seg: string | undefined; node: Node<T> }>): void {
    for (let i = trail.length - 1; i >= 0; i--) {
      const { parent, seg, node } = trail[i]!;
      if (node.routes.size > 0 || node.statics.size > 0 || node.param) return;
      if (seg === undefined) parent.param = undefined;
      else parent.statics.delete(seg);
    }
  }
}

function paramsOf<T>(route: Route<T>, values: string[]): Record<string, string> {
  const params: Record<string, string> = {};
  route.paramNames.forEach((name, i) => {
    params[name] = values[i] ?? '';
  });
  return params;
}

/** Depth-first, static before param, collecting param values on the way down. */
function findWithMethod<T>(node: Node<T>, segs: string[], i: number, method: string, values: string[]): Route<T> | undefined {
  if (i === segs.length) return node.routes.get(method);
  const seg = segs[i]!;
  const stat = node.statics.get(seg);
  if (stat) {
    const r = findWithMethod(stat, segs, i + 1, method, values);
    if (r) return r;
  }
  // A param never matches an empty segment (`/s/` is not `/s/:code`).
  if (node.param && seg !== '') {
    values.push(seg);
    const r = findWithMethod(node.param, segs, i + 1, method, values);
    if (r) return r;
    values.pop();
  }
  return undefined;
}

function findAny<T>(node: Node<T>, segs: string[], i: number): Node<T> | undefined {
  if (i === segs.length) return node.routes.size > 0 ? node : undefined;
  const seg = segs[i]!;
  const stat = node.statics.get(seg);
  const r = stat ? findAny(stat, segs, i + 1) : undefined;
  if (r) return r;
  return node.param && seg !== '' ? findAny(node.param, segs, i + 1) : undefined;
}
